package jsonapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/theory/jsonpath"
)

// compilePath parses a JSONPath, accepting the member shorthand that
// leaves out "$." ("data.items" for "$.data.items", "[0]" for "$[0]").
func compilePath(raw string) (*jsonpath.Path, error) {
	s := strings.TrimSpace(raw)
	full := s
	switch {
	case strings.HasPrefix(s, "$"):
	case strings.HasPrefix(s, "["):
		full = "$" + s
	default:
		full = "$." + s
	}
	p, err := jsonpath.Parse(full)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "jsonpath: ")
		hint := ""
		if strings.ContainsAny(s, "- ") && !strings.Contains(s, "['") {
			hint = " (a name with - or a space is written in brackets: $['created-date'])"
		}
		if full != s {
			return nil, fmt.Errorf("%q (read as %q) is not a JSONPath: %s%s", s, full, msg, hint)
		}
		return nil, fmt.Errorf("%q is not a JSONPath: %s%s", s, msg, hint)
	}
	return p, nil
}

// field is a compiled field setting: zero (not configured), one path, or
// a template of text and paths.
type field struct {
	raw   string
	parts []part // a single path part when the setting is a path
}

// part is literal text, or a path when path is set.
type part struct {
	text string
	path *jsonpath.Path
}

func (f field) isZero() bool { return len(f.parts) == 0 }

// isPath reports a field that is one path, not a template.
func (f field) isPath() bool {
	return len(f.parts) == 1 && f.parts[0].path != nil && !strings.ContainsAny(f.raw, "{}")
}

// compileField reads a field setting: a template when it holds a brace,
// else a path. In a template "{{" and "}}" are literal braces.
func compileField(raw string) (field, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return field{}, nil
	}
	if !strings.ContainsAny(s, "{}") {
		p, err := compilePath(s)
		if err != nil {
			if strings.HasPrefix(s, "/") || strings.HasPrefix(s, "http") {
				return field{}, fmt.Errorf("%w; an address built from an entry's fields is a template, such as \"/news/{id}\"", err)
			}
			return field{}, err
		}
		return field{raw: s, parts: []part{{path: p}}}, nil
	}
	f := field{raw: s}
	var text strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"), strings.HasPrefix(s[i:], "}}"):
			text.WriteByte(s[i])
			i++
		case s[i] == '}':
			return field{}, fmt.Errorf("template %q: a } at %d closes nothing (write }} for a brace)", s, i+1)
		case s[i] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return field{}, fmt.Errorf("template %q: the { at %d is not closed", s, i+1)
			}
			p, err := compilePath(s[i+1 : i+end])
			if err != nil {
				return field{}, fmt.Errorf("template %q: %w", s, err)
			}
			if text.Len() > 0 {
				f.parts = append(f.parts, part{text: text.String()})
				text.Reset()
			}
			f.parts = append(f.parts, part{path: p})
			i += end
		default:
			text.WriteByte(s[i])
		}
	}
	if text.Len() > 0 {
		f.parts = append(f.parts, part{text: text.String()})
	}
	if len(f.parts) == 0 || !hasPath(f.parts) {
		return field{}, errors.New("template " + strconv.Quote(s) + " has no {path}: write the path alone, or put it in braces")
	}
	return f, nil
}

func hasPath(parts []part) bool {
	for _, p := range parts {
		if p.path != nil {
			return true
		}
	}
	return false
}

// values returns what a path field selects in an entry, each as text,
// dropping empty ones.
func (f field) values(entry any) []string {
	if f.isZero() || !f.isPath() {
		if s := f.text(entry, false); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, node := range f.parts[0].path.Select(entry) {
		for _, s := range flatten(node) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// text is the field's value in an entry: what a path selects joined by
// sep, or the template filled in. In a link template (escape), values are
// path-escaped unless one value is the whole template (a full address).
func (f field) text(entry any, escape bool) string {
	if f.isZero() {
		return ""
	}
	if f.isPath() {
		return strings.Join(f.values(entry), "\n")
	}
	whole := len(f.parts) == 1
	var b strings.Builder
	for _, p := range f.parts {
		if p.path == nil {
			b.WriteString(p.text)
			continue
		}
		var vals []string
		for _, node := range p.path.Select(entry) {
			vals = append(vals, flatten(node)...)
		}
		v := strings.TrimSpace(strings.Join(vals, ","))
		if escape && !whole {
			v = url.PathEscape(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

// flatten turns a JSON value into text: a string as it is, a number as
// written, a boolean as true or false, null as nothing, the elements of
// an array each in turn; an object has no text of its own.
func flatten(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case json.Number:
		return []string{x.String()}
	case bool:
		return []string{strconv.FormatBool(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}
