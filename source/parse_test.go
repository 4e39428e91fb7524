package source

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
)

func TestNotAFeed(t *testing.T) {
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantInMsg   []string
		botCheck    bool
	}{
		{"an F5/Shape challenge page is a bot check", readTestdata(t, "botcheck-f5.html"), "text/html",
			[]string{"bot check", "F5/Shape", "HTML page"}, true},
		{"a Cloudflare challenge page is a bot check", readTestdata(t, "botcheck-cloudflare.html"), "text/html; charset=UTF-8",
			[]string{"bot check", "Cloudflare", `"Just a moment..."`}, true},
		{"an error page is not a feed and shows its title", readTestdata(t, "error-page.html"), "text/html; charset=utf-8",
			[]string{"HTML page", "Министерство иностранных дел — Страница не найдена"}, false},
		{"an HTML fragment is not a feed", []byte("<h1>Service Unavailable</h1>"), "",
			[]string{"HTML page"}, false},
		{"another XML document is not a feed", readTestdata(t, "iso88591-utf8-mismatch.xml"), "application/xml",
			[]string{"root <note>"}, false},
		{"plain text is not a feed", []byte("Access denied.\n"), "text/plain",
			[]string{`"Access denied."`}, false},
		{"a JSON document that is not a JSON Feed is not a feed", []byte(`{"error":"forbidden"}`), "application/json",
			[]string{"not a JSON Feed"}, false},
		{"an HTML page in an RSS Content-Type is still not a feed", []byte("<!doctype html>\n<html><body>Moved</body></html>"), "application/rss+xml",
			[]string{"HTML page", "application/rss+xml"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseItems(&Response{Body: tt.body, ContentType: tt.contentType}, attache.Feed{Name: "x"}, testNow)
			if !errors.Is(err, ErrNotAFeed) {
				t.Fatalf("got error %v, want ErrNotAFeed", err)
			}
			if errors.Is(err, ErrParse) {
				t.Errorf("got error %v that is also a parse error", err)
			}
			for _, want := range tt.wantInMsg {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got message %q, want it to contain %q", err, want)
				}
			}
			if got := strings.Contains(err.Error(), "bot check"); got != tt.botCheck {
				t.Errorf("got message %q: says bot check = %v, want %v", err, got, tt.botCheck)
			}
		})
	}
}

func TestBotCheckOverHTTP(t *testing.T) {
	srv := serveBytes(t, "text/html", readTestdata(t, "botcheck-f5.html"))
	res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "mid-ru", URL: srv.URL}, Conditional{}, testNow)
	if !errors.Is(err, ErrNotAFeed) || !strings.Contains(err.Error(), "bot check") {
		t.Fatalf("got error %v, want ErrNotAFeed saying bot check", err)
	}
	if got := Classify(err); got != attache.PollNotAFeed {
		t.Errorf("got class %q, want %q", got, attache.PollNotAFeed)
	}
	if res.ETag != "" || res.LastModified != "" || res.Items != nil {
		t.Errorf("got result %+v, want no items and no validators after a failure", res)
	}
}

func TestParseErrors(t *testing.T) {
	kremlin := readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml")
	tests := []struct {
		name      string
		body      []byte
		wantInMsg string
	}{
		{"a truncated feed is a parse error", kremlin[:len(kremlin)/2], "XML syntax error"},
		{"an empty body is a parse error", nil, "empty body"},
		{"a body of white space is a parse error", []byte(" \r\n\t "), "empty body"},
		{"a document cut inside its declaration is a parse error", []byte(`<?xml version="1.0" encoding="UTF-`), "before its first element"},
		{"a document cut inside its root tag is a parse error", []byte(`<?xml version="1.0"?>` + "\n<rss"), "before its first element"},
		{"broken XML inside a feed is a parse error", []byte(`<rss version="2.0"><channel><item><title>a</item></channel>`), "XML syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseItems(&Response{Body: tt.body}, attache.Feed{Name: "x"}, testNow)
			if !errors.Is(err, ErrParse) {
				t.Fatalf("got error %v, want ErrParse", err)
			}
			if errors.Is(err, ErrNotAFeed) {
				t.Errorf("got error %v that is also not-a-feed", err)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("got message %q, want it to contain %q", err, tt.wantInMsg)
			}
			if got := Classify(err); got != attache.PollParseError {
				t.Errorf("got class %q, want %q", got, attache.PollParseError)
			}
		})
	}
}

func TestSniffRoot(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want docKind
		root string
	}{
		{"an RSS feed after a declaration, a stylesheet and a comment", `<?xml version="1.0"?><?xml-stylesheet href="x"?><!-- hi --><rss>`, kindFeed, "rss"},
		{"an RDF feed by its prefixed name", "\n<rdf:RDF xmlns:rdf='x'>", kindFeed, "rdf:RDF"},
		{"an Atom feed after a DOCTYPE with an internal subset", `<!DOCTYPE feed [<!ENTITY a "b">]><feed>`, kindFeed, "feed"},
		{"an HTML5 page by its DOCTYPE", "<!DOCTYPE html>\n<html>", kindHTML, "html"},
		{"an HTML page with upper-case tags", "<HTML><HEAD>", kindHTML, "HTML"},
		{"a JSON object", ` {"version": "https://jsonfeed.org/version/1.1"}`, kindJSON, ""},
		{"text", "Forbidden", kindText, ""},
		{"an unterminated comment", "<!-- ", kindNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, root := sniffRoot([]byte(tt.doc))
			if kind != tt.want || root != tt.root {
				t.Errorf("got kind %d root %q, want kind %d root %q", kind, root, tt.want, tt.root)
			}
		})
	}
}

func TestLeadingJunkBeforeAFeed(t *testing.T) {
	koi8 := readTestdata(t, "sample-ru-koi8r.rss.xml")
	doc := append([]byte("\nWarning: Undefined variable $x in index.php on line 3<br />\n"), koi8...)
	items, err := ParseItems(&Response{Body: doc}, attache.Feed{Name: "x"}, testNow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(items) != 2 || items[0].Title != "Первая новость" {
		t.Errorf("got %d items, want 2 starting with Первая новость (the declaration honoured)", len(items))
	}
}

func TestBotCheckNeedsANonFeed(t *testing.T) {
	// A feed whose item quotes a challenge page's words is still a feed.
	doc := []byte(`<rss version="2.0"><channel><title>t</title><item><guid>1</guid>` +
		`<title>Just a moment... the bobcmn story</title></item></channel></rss>`)
	items, err := ParseItems(&Response{Body: doc}, attache.Feed{Name: "x"}, testNow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(items) != 1 || !bytes.Contains([]byte(items[0].Title), []byte("bobcmn")) {
		t.Errorf("got %+v, want the one item", items)
	}
}

func TestDetectBotCheck(t *testing.T) {
	tests := []struct{ name, page, want string }{
		{"an F5 bobcmn variable alone", `<script>window.bobcmn = "1";</script>`, "F5/Shape"},
		{"an F5 TSPD_101_DID variable alone", `<script>TSPD_101_DID="0"</script>`, "F5/Shape"},
		{"a Cloudflare cf-chl form", `<form id="challenge-form" action="/?__cf_chl_f_tk=x" class="cf-chl">`, "Cloudflare"},
		{"a Cloudflare title alone, in another case", `<title>JUST A MOMENT...</title>`, "Cloudflare"},
		{"a DDoS-Guard page", `<title>DDoS-Guard</title>`, "DDoS-Guard"},
		{"an ordinary page", `<title>Ministry of Foreign Affairs</title><p>News</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectBotCheck([]byte(tt.page)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
