package source

import (
	"net/url"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/jsonapi"
)

// acceptJSON is the Accept header of a JSON API fetch.
const acceptJSON = "application/json, */*;q=0.5"

// JSONSpec turns a source's json settings into the reader's.
func JSONSpec(s *attache.JSONSpec) jsonapi.Spec {
	return jsonapi.Spec{Items: s.Items, ID: s.ID, Title: s.Title, Link: s.Link, Date: s.Date,
		Summary: s.Summary, Content: s.Content, Author: s.Author, Categories: s.Categories, DateFormat: s.DateFormat,
		Headers: s.Headers, Query: s.Query}
}

// ParseJSON reads a fetched JSON document into items, one per entry that
// the items path selects. A document that is not JSON is ErrNotJSON (the
// not_a_feed class); an items path that selects nothing is the class of a
// list page whose selectors match nothing, raised at once: the API changed.
func ParseJSON(resp *Response, src attache.Feed, now time.Time) ([]attache.Item, error) {
	if resp == nil || resp.NotModified {
		return nil, nil
	}
	c, err := JSONSpec(src.JSON).Compile()
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(resp.URL)
	doc, err := jsonapi.Read(resp.Body, u, c)
	if err != nil {
		return nil, err
	}
	return doc.Items(src.Name, src.Lang, now), nil
}
