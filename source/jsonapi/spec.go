// Package jsonapi reads a JSON document that lists news (a site's own
// API, such as the one behind a JavaScript-only press page) into items:
// an `items` path selects the entries, and a path per field reads each
// entry's id, title, link, date, summary, content, author and categories.
//
// Paths are RFC 9535 JSONPath (github.com/theory/jsonpath), a standard
// syntax with published examples: `$.data.items[*]`, `$.sections[*].news[*]`,
// `$['created-date']`. A field path is read from the entry, so `$` is the
// entry; a plain member path without `$` ("title", "author.name",
// "tags[0]") means the same as with "$." before it. A field may instead be
// a template, text with paths in braces
// ("/press/news/details/{id}?lang=ru"), to build a link from an id.
//
// Dates are read as the html: list pages read them (RFC 3339, RFC 1123,
// 02.01.2006, 2 November 2024, 2 ноября 2024 г., Unix seconds or
// milliseconds as numbers or strings), or with an explicit date_format.
// Request headers and query parameters are settings too, because such
// APIs often want a token or a project filter.
package jsonapi

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/attache-dev/attache/source/internal/check"
	"github.com/attache-dev/attache/source/scrape"
	"golang.org/x/net/http/httpguts"
)

// Problem is one thing wrong with a JSON source's settings; Validate
// returns every problem it finds (check.All lists them).
type Problem = check.Problem

// Spec is the `json:` block of a source.
type Spec struct {
	// Items selects the entries, from the document's root. A path that
	// selects one array means its elements.
	Items string `yaml:"items"`
	// The fields, each a path read from the entry or a template. Title or
	// Link is required; the others may be left out.
	ID         string `yaml:"id"`
	Title      string `yaml:"title"`
	Link       string `yaml:"link"`
	Date       string `yaml:"date"`
	Summary    string `yaml:"summary"`
	Content    string `yaml:"content"`
	Author     string `yaml:"author"`
	Categories string `yaml:"categories"`
	// DateFormat, when set, is the Go layout of the dates
	// ("02.01.2006 15:04"), or "unix" / "unix_ms" for numbers of seconds
	// or milliseconds; empty means the usual formats.
	DateFormat string `yaml:"date_format"`
	// Headers are sent with the request (a token, an Accept); values may
	// come from ${VAR} and are secrets: they are never logged.
	Headers map[string]string `yaml:"headers"`
	// Query parameters are added to the source's address, replacing any
	// of the same name.
	Query map[string]string `yaml:"query"`
}

// ownedHeaders are set by the fetch layer itself: conditional GET,
// compression, framing. A source that set them would break what the
// client promises.
var ownedHeaders = map[string]string{
	"Host":              "the host comes from the url",
	"Content-Length":    "a GET request has no body",
	"Transfer-Encoding": "a GET request has no body",
	"Connection":        "the client manages its connections",
	"Accept-Encoding":   "the client asks for compression itself and decompresses",
	"If-None-Match":     "conditional GET is always used and sets it",
	"If-Modified-Since": "conditional GET is always used and sets it",
	"Range":             "a partial answer would be read as the whole document",
}

// Validate checks the settings; the error lists every problem as a
// *Problem whose Key is the setting concerned ("title",
// "headers.Authorization").
func (s Spec) Validate() error {
	_, err := s.Compile()
	return err
}

// Compile checks the settings and returns the compiled reader settings
// that Read takes.
func (s Spec) Compile() (*Compiled, error) {
	var l check.List
	c := &Compiled{dateFormat: strings.TrimSpace(s.DateFormat)}
	if strings.TrimSpace(s.Items) == "" {
		l.Add("items", "missing: give the path of the entries, such as \"$.data[*]\" or \"$.items\"")
	} else if p, err := compilePath(s.Items); err != nil {
		l.Add("items", err.Error())
	} else {
		c.items = p
	}
	for _, f := range []struct {
		key string
		raw string
		dst *field
	}{
		{"id", s.ID, &c.id}, {"title", s.Title, &c.title}, {"link", s.Link, &c.link},
		{"date", s.Date, &c.date}, {"summary", s.Summary, &c.summary},
		{"content", s.Content, &c.content}, {"author", s.Author, &c.author},
		{"categories", s.Categories, &c.categories},
	} {
		fd, err := compileField(f.raw)
		if err != nil {
			l.Add(f.key, err.Error())
			continue
		}
		*f.dst = fd
	}
	if strings.TrimSpace(s.Title) == "" && strings.TrimSpace(s.Link) == "" {
		l.Add("title", "give title or link (or both): an item needs one or the other to be shown in an alert")
	}
	switch {
	case c.dateFormat == "":
	case strings.TrimSpace(s.Date) == "":
		l.Add("date_format", "date_format needs date: the path of each entry's date")
	case c.dateFormat == "unix" || c.dateFormat == "unix_ms":
	default:
		if err := scrape.CheckLayout(c.dateFormat); err != nil {
			l.Add("date_format", err.Error()+", or unix, or unix_ms")
		}
	}
	c.header = make(http.Header, len(s.Headers))
	for _, name := range slices.Sorted(maps.Keys(s.Headers)) {
		value := s.Headers[name]
		key := "headers." + name
		switch {
		case !httpguts.ValidHeaderFieldName(name):
			l.Add(key, fmt.Sprintf("%q is not a header name (letters, digits and !#$%%&'*+-.^_`|~ only)", name))
		case ownedHeaders[http.CanonicalHeaderKey(name)] != "":
			l.Add(key, fmt.Sprintf("%s cannot be set here: %s", http.CanonicalHeaderKey(name), ownedHeaders[http.CanonicalHeaderKey(name)]))
		case !httpguts.ValidHeaderFieldValue(value):
			// The value is not quoted: it may be a secret.
			l.Add(key, "the value holds a line break or another control character")
		default:
			c.header.Set(name, value)
		}
	}
	c.query = make(map[string]string, len(s.Query))
	for name, value := range s.Query {
		if strings.TrimSpace(name) == "" {
			l.Add("query", "a query parameter needs a name")
			continue
		}
		c.query[name] = value
	}
	if len(l) > 0 {
		return nil, l.Err()
	}
	return c, nil
}
