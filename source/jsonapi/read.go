package jsonapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/internal/ident"
)

// Errors that Read wraps.
var (
	// ErrNotJSON: the body is not a JSON document (an HTML page: a bot
	// check, a login page, an error page).
	ErrNotJSON = errors.New("not a JSON document")
	// ErrItemsNotFound: the items path selects nothing in the document:
	// the API changed its shape, or answered with an error object. It is
	// a failure of the source, never an empty list. (A path that selects
	// an empty array is an empty list, and no error.)
	ErrItemsNotFound = errors.New("items path selected nothing")
)

// Record is one entry as read, before it becomes an item.
type Record struct {
	ID         string    `json:"id,omitempty"`
	Title      string    `json:"title,omitempty"`
	Link       string    `json:"link,omitempty"`
	Date       time.Time `json:"date,omitzero"`
	DateText   string    `json:"date_text,omitempty"`
	Summary    string    `json:"summary,omitempty"`
	Content    string    `json:"content,omitempty"`
	Author     string    `json:"author,omitempty"`
	Categories []string  `json:"categories,omitempty"`
}

// Document is a JSON document as read.
type Document struct {
	Records []Record `json:"records"`
}

// Read parses a fetched JSON document and reads its entries through the
// compiled settings. pageURL is the address it came from: relative links
// resolve against it.
func Read(body []byte, pageURL *url.URL, c *Compiled) (*Document, error) {
	where := "the document"
	if pageURL != nil {
		where = pageURL.Redacted()
	}
	root, err := decode(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	entries, err := c.entries(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	doc := &Document{Records: make([]Record, 0, len(entries))}
	for _, e := range entries {
		doc.Records = append(doc.Records, c.record(e, pageURL))
	}
	return doc, nil
}

// decode parses the body, numbers kept as written (a Unix time in
// milliseconds, an id of 19 digits).
func decode(body []byte) (any, error) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: the body is empty", ErrNotJSON)
	}
	if b[0] == '<' {
		return nil, fmt.Errorf("%w: the server answered with HTML or XML (a bot check, a login or an error page?)", ErrNotJSON)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%w: more than one JSON value in the body", ErrNotJSON)
	}
	return v, nil
}

// entries applies the items path. One selected array stands for its
// elements. Nothing selected is ErrItemsNotFound, unless the path is
// "…[*]" or "….*" over an array or object that is present and empty.
func (c *Compiled) entries(root any) ([]any, error) {
	nodes := c.items.Select(root)
	if len(nodes) == 1 {
		if arr, ok := nodes[0].([]any); ok {
			return arr, nil
		}
	}
	if len(nodes) > 0 {
		return nodes, nil
	}
	path := c.items.String()
	for _, suffix := range []string{"[*]", ".*"} {
		if parent, ok := strings.CutSuffix(path, suffix); ok && parent != "" {
			if p, err := compilePath(parent); err == nil {
				if got := p.Select(root); len(got) == 1 && isEmptyCollection(got[0]) {
					return nil, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("%w: %s%s", ErrItemsNotFound, path, shape(root))
}

func isEmptyCollection(v any) bool {
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// shape describes the document's top level, to help fix the path.
func shape(root any) string {
	switch x := root.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		if len(keys) > 12 {
			keys = append(keys[:12], "…")
		}
		return fmt.Sprintf(" (the document is an object with the keys %s)", strings.Join(keys, ", "))
	case []any:
		return fmt.Sprintf(" (the document is an array of %d values: try $[*])", len(x))
	}
	return " (the document is a single value)"
}

// record reads one entry's fields.
func (c *Compiled) record(e any, base *url.URL) Record {
	r := Record{
		ID:         ident.Clean(c.id.text(e, false)),
		Title:      oneLine(c.title.text(e, false)),
		Summary:    ident.Clean(c.summary.text(e, false)),
		Content:    ident.Clean(c.content.text(e, false)),
		Author:     oneLine(strings.Join(c.author.values(e), ", ")),
		Categories: c.categories.values(e),
	}
	r.Link = ident.Resolve(base, c.link.text(e, true))
	if !c.date.isZero() {
		var v any
		if c.date.isPath() {
			if nodes := c.date.parts[0].path.Select(e); len(nodes) > 0 {
				v = nodes[0]
			}
		} else {
			v = c.date.text(e, false)
		}
		if n, ok := v.(json.Number); ok {
			r.DateText = n.String()
		} else if s, ok := v.(string); ok {
			r.DateText = strings.TrimSpace(s)
		}
		if t, ok := parseDate(v, c.dateFormat); ok {
			r.Date = t
		}
	}
	return r
}

// oneLine is text on one line, cleaned.
func oneLine(s string) string {
	return strings.Join(strings.Fields(ident.Clean(s)), " ")
}

// Items turns the records into items, in document order: Key the id when
// the entry has one (else the normalised link, else a hash of title and
// date), Story the normalised link, Published the date in UTC (none, or
// one not believed, makes the item undated: now, DateMissing). Summary and
// Content are kept as the API gives them: they may hold HTML. The title
// is text, with HTML entities decoded: APIs that feed web pages often
// escape them (&quot;).
func (d *Document) Items(feed, lang string, now time.Time) []attache.Item {
	entries := make([]ident.Entry, 0, len(d.Records))
	for _, r := range d.Records {
		it := attache.Item{
			Title:      html.UnescapeString(r.Title),
			Link:       r.Link,
			Summary:    r.Summary,
			Content:    r.Content,
			Author:     r.Author,
			Categories: r.Categories,
			Lang:       lang,
		}
		it.Published, it.DateMissing = ident.Date(r.Date, !r.Date.IsZero(), now)
		entries = append(entries, ident.Entry{Item: it, ID: r.ID, DateText: r.DateText})
	}
	return ident.Assign(feed, entries)
}
