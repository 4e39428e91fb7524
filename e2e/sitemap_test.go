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

// followSite serves a plain urlset of article addresses (no news titles)
// and each article's page, whose og:title names it and whose <main> holds
// the text; it counts the page requests.
type followSite struct {
	mu       sync.Mutex
	articles []string // slugs, one page each
	reads    map[string]int
}

func (s *followSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := "http://" + r.Host
	if r.URL.Path == "/sitemap.xml" {
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, slug := range s.articles {
			fmt.Fprintf(w, `<url><loc>%s/en/news/%s</loc></url>`, base, slug)
		}
		fmt.Fprint(w, `</urlset>`)
		return
	}
	slug, ok := strings.CutPrefix(r.URL.Path, "/en/news/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.reads[slug]++
	fmt.Fprintf(w, `<html><head><meta property="og:title" content="Allies meet in Riga (%s)"></head>
<body><nav>Menu</nav><main><p>Defence ministers of NATO discussed the eastern flank.</p></main></body></html>`, slug)
}

// TestASitemapSourceReadsNewPages: with follow, each new page of the
// sitemap is read once for its text and title, and the rule matches the
// text the sitemap itself does not carry; the pages recorded by the first
// poll (undated, outside backfill) are never fetched.
func TestASitemapSourceReadsNewPages(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	fs := &followSite{articles: []string{"old-article"}, reads: map[string]int{}}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "feeds:\n", "feeds:\n  - name: nato-news\n    url: \""+srv.URL+"/sitemap.xml\"\n"+
		"    sitemap: {include: [\"/en/news/\"], follow: true, content: \"main\", title: \"meta[property='og:title']@content\"}\n", 1)
	s.writeConfig(cfg)
	s.baseline()

	fs.mu.Lock()
	fs.articles = append(fs.articles, "ministers-meet")
	fs.mu.Unlock()
	s.once()
	msgs := s.slack.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Allies meet in Riga (ministers-meet)") {
		t.Fatalf("after the new page Slack got %q, want one alert titled from the page's og:title", msgs)
	}
	s.once()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.reads["old-article"] != 0 || fs.reads["ministers-meet"] != 1 {
		t.Errorf("page reads %v: want the new page read once and the baselined one never", fs.reads)
	}
	if n := s.slack.count(); n != 1 {
		t.Errorf("%d messages in all, want 1", n)
	}
}
