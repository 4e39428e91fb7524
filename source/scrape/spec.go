// Package scrape reads the items of an HTML list page through CSS selectors:
// the `html:` block of a feed entry for ministries that publish no feed. It
// compiles selectors with cascadia exactly as goquery applies them, extracts
// titles, links, dates, summaries and item-page content as plain text, and
// parses the dates that ministries write.
//
// Like package rules, it knows nothing of HTTP, storage or Slack: package
// config uses it to validate selectors, so that `attache check` refuses
// what the watcher could not apply, and package watcher uses it to read
// pages.
package scrape

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"

	"github.com/attache-dev/attache"
)

// Selector is a compiled CSS selector, or a group of them ("a, b").
type Selector struct {
	raw string
	m   cascadia.Selector
}

// CompileSelector compiles a CSS selector as goquery would. goquery itself
// turns a bad selector into one that silently matches nothing; here it is
// an error with cascadia's reason, so that a typo is caught by `attache
// check` rather than taken for a layout change.
func CompileSelector(s string) (Selector, error) {
	if strings.TrimSpace(s) == "" {
		return Selector{}, errors.New("empty selector")
	}
	m, err := cascadia.Compile(s)
	if err != nil {
		return Selector{}, fmt.Errorf("invalid CSS selector %q: %s", s, selectorReason(err))
	}
	return Selector{raw: s, m: m}, nil
}

// selectorReason drops the selector that cascadia repeats in some of its
// messages, since ours already quotes it.
func selectorReason(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "parsing \"") {
		if i := strings.LastIndex(msg, "\": "); i >= 0 {
			return msg[i+3:]
		}
	}
	return msg
}

// String is the selector as written.
func (s Selector) String() string { return s.raw }

// IsZero reports a selector that was never compiled.
func (s Selector) IsZero() bool { return s.m == nil }

// Value says where one field of an item is read, written in one of three
// forms:
//
//	SELECTOR        the text of the first element that matches, within the item
//	SELECTOR@attr   that element's attribute
//	@attr           the item element's own attribute
//
// For a link, SELECTOR alone means the element's href when it has one,
// else its text.
type Value struct {
	raw  string
	sel  Selector // zero: the item element itself
	attr string   // empty: the text
}

// attrName is what may follow the last '@': an HTML attribute name. A '@'
// followed by anything else (inside a quoted attribute value, say) is part
// of the selector.
var attrName = regexp.MustCompile(`^[A-Za-z_:][-A-Za-z0-9_:.]*$`)

// ParseValue reads a Value. The empty string gives the zero Value, which
// callers read as "not configured".
func ParseValue(s string) (Value, error) {
	v := Value{raw: s}
	s = strings.TrimSpace(s)
	if s == "" {
		return Value{}, nil
	}
	sel := s
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		name := strings.TrimSpace(s[at+1:])
		switch {
		case attrName.MatchString(name):
			sel, v.attr = strings.TrimSpace(s[:at]), strings.ToLower(name)
		case !strings.ContainsAny(s[at+1:], `"']`):
			return Value{}, fmt.Errorf("%q: after @ comes an attribute name, such as href or datetime", s)
		}
	}
	if sel == "" {
		return v, nil // @attr: the item's own attribute
	}
	c, err := CompileSelector(sel)
	if err != nil {
		return Value{}, err
	}
	v.sel = c
	return v, nil
}

// MustValue is ParseValue for values known to be valid; it panics otherwise.
func MustValue(s string) Value {
	v, err := ParseValue(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String is the value as written.
func (v Value) String() string { return v.raw }

// IsZero reports a value that was not configured.
func (v Value) IsZero() bool { return v.sel.IsZero() && v.attr == "" }

// Spec is the selectors of one HTML list source.
type Spec struct {
	// Item matches one element per item of the list page.
	Item Selector
	// Title is read within the item; zero means the item's own text.
	Title Value
	// Link is read within the item; zero means the item's own href, else
	// the href of the first link inside it.
	Link Value
	// Date is read within the item; zero means the items are undated.
	Date Value
	// DateFormat, when set, is the Go layout the date is written in
	// ("02.01.2006"); empty means the usual ministry formats (ParseDate).
	DateFormat string
	// Summary is read within the item; zero means none.
	Summary Value
	// Follow asks for each new item's own page, where Content is read.
	Follow bool
	// Content is read on the item's page: the text of every element it
	// matches, or the attribute of the first.
	Content Value
}

// Problem is something wrong with a Spec as a whole, for the key it
// concerns (as the configuration spells keys).
type Problem struct {
	Key string
	Msg string
	// Own says the key's own value is wrong, rather than how it goes with
	// the others.
	Own bool
}

// Problems checks what the selectors cannot tell alone: a date layout, and
// keys that only make sense together. Each field's own syntax is checked
// when it is parsed.
func (s *Spec) Problems() []Problem {
	var out []Problem
	if s.Item.IsZero() {
		out = append(out, Problem{Key: "item", Msg: "missing: give the selector that matches one element per item, such as \"ul.news li\""})
	}
	if s.Follow && s.Content.IsZero() {
		out = append(out, Problem{Key: "follow", Msg: "follow: true needs content: the selector of the text on each item's page"})
	}
	if !s.Content.IsZero() && s.Content.sel.IsZero() {
		out = append(out, Problem{Key: "content", Msg: "content is read on the item's own page, so it needs a selector, such as \"div.article\" or \"meta[name=description]@content\""})
	}
	if !s.Follow && !s.Content.IsZero() {
		out = append(out, Problem{Key: "content", Msg: "content is read on each item's page: set follow: true as well"})
	}
	if s.DateFormat != "" {
		if s.Date.IsZero() {
			out = append(out, Problem{Key: "date_format", Msg: "date_format needs date: the selector of the item's date"})
		}
		if err := CheckLayout(s.DateFormat); err != nil {
			out = append(out, Problem{Key: "date_format", Msg: err.Error()})
		}
	}
	return out
}

// Compile compiles the selectors of an HTML list page as the configuration
// writes them. It returns the compiled Spec, or, when anything is wrong,
// nil and every problem: first each value that does not parse (Own set),
// then what the keys cannot mean together (Problems).
func Compile(h attache.HTMLSpec) (*Spec, []Problem) {
	s := &Spec{DateFormat: h.DateFormat, Follow: h.Follow}
	var out []Problem
	if strings.TrimSpace(h.Item) != "" {
		sel, err := CompileSelector(h.Item)
		if err != nil {
			out = append(out, Problem{Key: "item", Msg: err.Error(), Own: true})
		}
		s.Item = sel
	}
	for _, v := range []struct {
		key, text string
		dst       *Value
	}{
		{"title", h.Title, &s.Title}, {"link", h.Link, &s.Link}, {"date", h.Date, &s.Date},
		{"summary", h.Summary, &s.Summary}, {"content", h.Content, &s.Content},
	} {
		val, err := ParseValue(v.text)
		if err != nil {
			out = append(out, Problem{Key: v.key, Msg: err.Error(), Own: true})
			continue
		}
		*v.dst = val
	}
	out = append(out, s.Problems()...)
	if len(out) > 0 {
		return nil, out
	}
	return s, nil
}
