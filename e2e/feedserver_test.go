package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// entry is one item of a served feed.
type entry struct {
	GUID, Title, Link, Date, Desc string
}

// news is a matching item with a fresh GUID, link and title.
func news(id string) entry {
	return entry{GUID: "g-" + id, Title: title(id), Link: "https://example.org/news/" + id,
		Date: "Mon, 02 Jan 2006 15:04:05 +0000", Desc: "The alliance at the western borders."}
}

// title is the title of item id; the "!" ends it, so that "a1" is not
// found in "a10".
func title(id string) string { return "NATO statement " + id + "!" }

// item is an entry with a GUID, its link on example.org, a title and a
// date, and no description.
func item(guid, title, date string) entry {
	return entry{GUID: guid, Title: title, Link: "https://example.org/" + guid, Date: date}
}

// feeds serves RSS documents at /NAME that tests rewrite between polls,
// with an ETag, so that an unchanged document answers 304. It is the one
// feed server of the suite.
type feeds struct {
	mu    sync.Mutex
	docs  map[string][]entry
	delay time.Duration
	sent  map[string]int         // 200 answers by name
	asked map[string][]time.Time // every request, 304s too, by name
}

func newFeeds(t *testing.T) (*feeds, *httptest.Server) {
	f := &feeds{docs: map[string][]entry{}, sent: map[string]int{}, asked: map[string][]time.Time{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *feeds) set(name string, es ...entry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[name] = append([]entry(nil), es...)
}

// hits counts the times the document name was sent whole (not a 304).
func (f *feeds) hits(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent[name]
}

// requests returns when document name was asked for, 304s included.
func (f *feeds) requests(name string) []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.asked[name]...)
}

// feed is one document of a feeds server, for tests of a single feed.
type feed struct {
	*feeds
	name string
}

func (f feed) set(es ...entry) { f.feeds.set(f.name, es...) }

func (f feed) hits() int { return f.feeds.hits(f.name) }

func (f *feeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	f.mu.Lock()
	es, delay := f.docs[name], f.delay
	f.asked[name] = append(f.asked[name], time.Now())
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>`)
	for _, e := range es {
		b.WriteString("<item>")
		if e.GUID != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", e.GUID)
		}
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link>", xmlText(e.Title), e.Link)
		if e.Date != "" {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", e.Date)
		}
		fmt.Fprintf(&b, "<description>%s</description></item>", xmlText(e.Desc))
	}
	b.WriteString("</channel></rss>")
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(b.Bytes()))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.mu.Lock()
	f.sent[name]++
	f.mu.Unlock()
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(b.Bytes())
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
