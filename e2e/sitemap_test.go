package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// sitemapSite serves a sitemap index at /sitemap.xml naming two child
// sitemaps: /news-sitemap.xml.gz (gzip, Google News entries) and
// /pages-sitemap.xml (plain, excluded by the source's sitemaps filter).
type sitemapSite struct {
	mu   sync.Mutex
	news []string // news titles, one page each
}

func (s *sitemapSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	news := append([]string(nil), s.news...)
	s.mu.Unlock()
	base := "http://" + r.Host
	switch r.URL.Path {
	case "/sitemap.xml":
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>%s/news-sitemap.xml.gz</loc><lastmod>2026-09-14</lastmod></sitemap>
<sitemap><loc>%s/pages-sitemap.xml</loc><lastmod>2026-09-13</lastmod></sitemap>
</sitemapindex>`, base, base)
	case "/news-sitemap.xml.gz":
		var doc strings.Builder
		doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
		for i, t := range news {
			fmt.Fprintf(&doc, `<url><loc>%s/en/news/2026/09/%02d/item-%d</loc><news:news><news:publication><news:name>NATO</news:name><news:language>en</news:language></news:publication><news:publication_date>2026-09-14T10:00:00Z</news:publication_date><news:title>%s</news:title></news:news></url>`, base, 10+i, i, t)
		}
		doc.WriteString(`</urlset>`)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write([]byte(doc.String()))
		zw.Close()
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(gz.Bytes())
	case "/pages-sitemap.xml":
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/en/about/nato-and-belarus</loc></url></urlset>`, base)
	default:
		http.NotFound(w, r)
	}
}

// TestASitemapIsASource: a sitemap index with a gzip news sitemap is
// baselined like a feed; a new page whose news title matches is alerted
// once; the child sitemap the filter leaves out is never read into items.
func TestASitemapIsASource(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	sm := &sitemapSite{news: []string{"Secretary General meets the press"}}
	srv := httptest.NewServer(sm)
	t.Cleanup(srv.Close)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "feeds:\n", "feeds:\n  - name: nato-news\n    url: \""+srv.URL+"/sitemap.xml\"\n    sitemap: {include: [\"/en/news/\"], sitemaps: [\"/news-sitemap\"]}\n", 1)
	s.writeConfig(cfg)
	s.baseline()

	sm.mu.Lock()
	sm.news = append(sm.news, "NATO allies meet in Riga on the eastern flank")
	sm.mu.Unlock()
	s.once()
	msgs := s.slack.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "NATO allies meet in Riga") {
		t.Fatalf("after the new page Slack got %q, want its one alert", msgs)
	}
	s.once()
	if n := s.slack.count(); n != 1 {
		t.Errorf("a poll with nothing new sent %d messages in all, want 1", n)
	}
}
