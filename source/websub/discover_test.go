package websub

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func TestParseLinkHeader(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []Link
	}{
		{"two links in one value", []string{`<https://hub.example/>; rel="hub", <https://f.example/feed>; rel="self"`},
			[]Link{{"https://hub.example/", "hub"}, {"https://f.example/feed", "self"}}},
		{"links in several values, rel unquoted", []string{`<https://a/>; rel=hub`, `<https://b/>;rel=self`},
			[]Link{{"https://a/", "hub"}, {"https://b/", "self"}}},
		{"commas and semicolons inside quotes and URIs", []string{`<https://h/?a=1,b;c>; title="x, y; z"; rel="hub"`},
			[]Link{{"https://h/?a=1,b;c", "hub"}}},
		{"the first rel counts", []string{`<https://h/>; rel="hub"; rel="self"`}, []Link{{"https://h/", "hub"}}},
		{"garbage between links is skipped", []string{`nonsense, <https://h/>; rel="hub"`}, []Link{{"https://h/", "hub"}}},
		{"an unclosed URI ends the value", []string{`<https://h/; rel="hub"`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseLinkHeader(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseLinkHeader(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDiscover(t *testing.T) {
	base, _ := url.Parse("http://en.kremlin.ru/events/president/news/feed")
	tests := []struct {
		name    string
		header  http.Header
		body    string
		want    Links
		wantErr bool
	}{
		{"Atom links, the relative one resolved",
			nil,
			`<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="https://pubsubhubbub.appspot.com/"/><link rel="self" href="/events/president/news/feed"/><entry><link rel="hub" href="https://inside-an-entry/"/></entry></feed>`,
			Links{Hubs: []string{"https://pubsubhubbub.appspot.com/"}, Self: "http://en.kremlin.ru/events/president/news/feed"}, false},
		{"RSS with atom:link, two hubs",
			nil,
			`<rss xmlns:atom="http://www.w3.org/2005/Atom"><channel><atom:link rel="hub" href="https://h1/"/><atom:link rel="hub" href="https://h2/"/><atom:link rel="self" href="https://mfa.example/rss"/><item/></channel></rss>`,
			Links{Hubs: []string{"https://h1/", "https://h2/"}, Self: "https://mfa.example/rss"}, false},
		{"the Link header's self wins, hubs are not repeated",
			http.Header{"Link": {`<https://h1/>; rel="hub", <https://canonical.example/feed>; rel="self"`}},
			`<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="https://h1/"/><link rel="self" href="https://other/"/></feed>`,
			Links{Hubs: []string{"https://h1/"}, Self: "https://canonical.example/feed"}, false},
		{"one link with both rels", http.Header{"Link": {`<https://h/>; rel="hub self"`}}, ``,
			Links{Hubs: []string{"https://h/"}, Self: "https://h/"}, false},
		{"a hub that is not http(s) is ignored", nil,
			`<feed><link rel="hub" href="javascript:alert(1)"/><link rel="alternate" href="https://x/"/></feed>`, Links{}, false},
		{"not XML: the headers' links and an error", http.Header{"Link": {`<https://h/>; rel="hub"`}}, `<html><body><p>oops</body`,
			Links{Hubs: []string{"https://h/"}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header
			if h == nil {
				h = http.Header{}
			}
			got, err := Discover(base, h, []byte(tc.body))
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Discover = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func FuzzDiscover(f *testing.F) {
	f.Add(`<https://h/>; rel="hub"`, `<feed><link rel="hub" href="https://h/"/></feed>`)
	base, _ := url.Parse("https://feed.example/rss")
	f.Fuzz(func(t *testing.T, link, doc string) {
		got, _ := Discover(base, http.Header{"Link": {link}}, []byte(doc))
		for _, h := range got.Hubs {
			if u, err := url.Parse(h); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("hub %q is not an http(s) URL", h)
			}
		}
	})
}
