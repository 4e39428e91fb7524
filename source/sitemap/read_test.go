package sitemap

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestAGzipSitemapReadsAsThePlainOne(t *testing.T) {
	plain := readFixture(t, "urlset.xml", "https://www.nato.example/s.xml", natoNews)
	zipped := readFixture(t, "urlset.xml.gz", "https://www.nato.example/s.xml", natoNews)
	if !reflect.DeepEqual(plain, zipped) {
		t.Errorf("got %+v from the gzip body, want %+v", zipped, plain)
	}
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadErrors(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	urlset := read("urlset.xml")
	bomb := gz(t, append([]byte(`<urlset><url><loc>https://a.example/x</loc></url>`), bytes.Repeat([]byte(" "), 2<<20)...))
	tests := []struct {
		name string
		body []byte
		opt  Options
		want error
		says string
	}{
		{"an HTML page is not a sitemap", read("not_a_sitemap.html"), Options{}, ErrNotASitemap, "HTML page"},
		{"a feed is not a sitemap, and the message says what to do", read("feed.xml"), Options{}, ErrNotASitemap, "configure it as a feed"},
		{"another XML document is not a sitemap", []byte(`<?xml version="1.0"?><catalog/>`), Options{}, ErrNotASitemap, "<catalog>"},
		{"an empty body is not a sitemap", nil, Options{}, ErrNotASitemap, "empty"},
		{"truncated XML does not parse", urlset[:len(urlset)/2], Options{}, ErrParse, ""},
		{"a corrupt gzip stream does not parse", append(gz(t, urlset)[:40], 0xff, 0xff), Options{}, ErrParse, "gzip"},
		{"a gzip body larger than MaxBytes once decompressed is too large", bomb, Options{MaxBytes: 1 << 20}, ErrTooLarge, "1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read(tt.body, mustURL(t, "https://www.nato.example/sitemap.xml"), nil, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %+v, %v; want %v", doc, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), "https://www.nato.example/sitemap.xml") {
				t.Errorf("got %q, want the address and %q", err, tt.says)
			}
		})
	}
}

func TestAGzipBodyOfExactlyMaxBytesIsRead(t *testing.T) {
	doc := []byte(`<urlset><url><loc>https://a.example/x</loc></url></urlset>`)
	got, err := Read(gz(t, doc), nil, nil, Options{MaxBytes: int64(len(doc))})
	if err != nil || len(got.URLs) != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestMaxURLsBoundsWhatIsKept(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range 10 {
		fmt.Fprintf(&b, "<url><loc>https://a.example/news/%d-item</loc></url>", i)
	}
	b.WriteString("</urlset>")
	doc, err := Read([]byte(b.String()), nil, nil, Options{MaxURLs: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.URLs) != 4 || doc.Dropped != 6 || doc.URLs[3].Loc != "https://a.example/news/3-item" {
		t.Errorf("got %d URLs, %d dropped, last %+v", len(doc.URLs), doc.Dropped, doc.URLs)
	}
}

func TestCharsetAndNamespaces(t *testing.T) {
	// A windows-1251 prolog and a sitemap namespace spelled the old way.
	body := append([]byte(`<?xml version="1.0" encoding="windows-1251"?>
<urlset xmlns="http://www.google.com/schemas/sitemap/0.84" xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://mfa.example/ru/1</loc><n:news><n:title>`), 0xcd, 0xc0, 0xd2, 0xce) // НАТО
	body = append(body, []byte(`</n:title></n:news></url></urlset>`)...)
	doc, err := Read(body, nil, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.URLs) != 1 || doc.URLs[0].News == nil || doc.URLs[0].News.Title != "НАТО" {
		t.Errorf("got %+v", doc.URLs)
	}
}

func TestAnIndexHasNoItems(t *testing.T) {
	doc := readFixture(t, "index.xml", "https://www.nato.example/sitemap.xml", Spec{})
	if doc.Kind != KindIndex || len(doc.URLs) != 0 || len(doc.Items("f", "", testNow)) != 0 {
		t.Errorf("got %+v", doc)
	}
	if len(doc.Sitemaps) != DefaultMaxSitemaps || doc.Sitemaps[0].Loc != "https://www.nato.example/sitemap-news-2026-09.xml.gz" {
		t.Errorf("got children %+v, want %d, the newest first", doc.Sitemaps, DefaultMaxSitemaps)
	}
	if last := doc.Sitemaps[len(doc.Sitemaps)-1]; !last.LastMod.IsZero() {
		t.Errorf("got %+v last, want the undated child", last)
	}
}

func TestAddressDate(t *testing.T) {
	tests := []struct {
		loc  string
		want string
	}{
		{"https://www.nato.example/en/news/2026/09/14/allies-meet", "2026-09-14"},
		{"https://www.nato.example/en/news/2026/09/14", "2026-09-14"},
		{"https://www.nato.example/en/news/2026/02/30/no-such-day", ""},
		{"https://www.nato.example/en/news/2026/9/14/short-month", ""},
		{"https://www.nato.example/en/news/12026/09/14/x", ""},
		{"https://www.nato.example/en/about", ""},
	}
	for _, tt := range tests {
		got, ok := addressDate(tt.loc)
		if s := got.Format("2006-01-02"); ok != (tt.want != "") || (ok && s != tt.want) {
			t.Errorf("%s: got %s, %v; want %q", tt.loc, s, ok, tt.want)
		}
	}
}
