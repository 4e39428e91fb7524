package jsonapi

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/theory/jsonpath"
)

// Compiled is a validated Spec, ready to read documents.
type Compiled struct {
	items                                                       *jsonpath.Path
	id, title, link, date, summary, content, author, categories field
	dateFormat                                                  string
	header                                                      http.Header
	query                                                       map[string]string
}

// URL returns the address to fetch: the source's address with the query
// parameters set, each replacing any of the same name. The parameters are
// encoded in name order, so the address is the same on every poll (and
// conditional GET can work).
func (c *Compiled) URL(source *url.URL) *url.URL {
	u := *source
	if len(c.query) == 0 {
		return &u
	}
	q := u.Query()
	for _, name := range slices.Sorted(maps.Keys(c.query)) {
		q.Set(name, c.query[name])
	}
	u.RawQuery = q.Encode()
	return &u
}

// Header returns the headers to send, a copy the caller may change. Their
// values may be secrets: log their names at most.
func (c *Compiled) Header() http.Header {
	return c.header.Clone()
}
