package source

import (
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/mmcdole/gofeed"
)

func parseRSS(t *testing.T, items string) []attache.Item {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>` +
		`<link>https://www.Example.org/ru/</link><language>ru-RU</language>` + items + `</channel></rss>`
	got, err := ParseItems(&Response{Body: []byte(doc), URL: "https://feeds.example.org/rss.xml"}, attache.Feed{Name: "mfa"}, testNow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return got
}

func TestItemIdentity(t *testing.T) {
	t.Run("the GUID is the key, trimmed", func(t *testing.T) {
		it := parseRSS(t, `<item><guid isPermaLink="false"> tag:mfa,2026:123 </guid><link>https://example.org/n/1</link></item>`)[0]
		if it.Key != "tag:mfa,2026:123" {
			t.Errorf("got key %q, want the trimmed GUID", it.Key)
		}
		if it.Story != "https://example.org/n/1" {
			t.Errorf("got story %q, want the normalised link", it.Story)
		}
	})
	t.Run("without a GUID the normalised link is the key", func(t *testing.T) {
		it := parseRSS(t, `<item><link>HTTPS://Example.ORG:443/n/1?utm_source=rss&amp;id=5#top</link></item>`)[0]
		if it.Key != "https://example.org/n/1?id=5" || it.Story != it.Key {
			t.Errorf("got key %q story %q, want both https://example.org/n/1?id=5", it.Key, it.Story)
		}
		// Link is for people: only resolved (which lower-cases the scheme).
		if it.Link != "https://Example.ORG:443/n/1?utm_source=rss&id=5#top" {
			t.Errorf("got link %q, want the link as the feed gave it", it.Link)
		}
	})
	t.Run("a relative link is resolved against the feed's link", func(t *testing.T) {
		it := parseRSS(t, `<item><link>/ru/news/7</link></item>`)[0]
		if it.Link != "https://www.Example.org/ru/news/7" || it.Key != "https://www.example.org/ru/news/7" {
			t.Errorf("got link %q key %q, want them resolved against https://www.example.org/ru/", it.Link, it.Key)
		}
	})
	t.Run("an http GUID stands in for a missing link", func(t *testing.T) {
		it := parseRSS(t, `<item><guid>http://example.org/n/9</guid></item>`)[0]
		if it.Link != "http://example.org/n/9" || it.Story != "http://example.org/n/9" {
			t.Errorf("got link %q story %q, want the GUID", it.Link, it.Story)
		}
	})
	t.Run("without GUID or link the key is a hash of title and date", func(t *testing.T) {
		items := parseRSS(t, `<item><title>Statement</title><pubDate>Mon, 01 Jun 2026 10:00:00 +0300</pubDate></item>`+
			`<item><title>Statement</title><pubDate>Tue, 02 Jun 2026 10:00:00 +0300</pubDate></item>`)
		want := HashKey("Statement", "Mon, 01 Jun 2026 10:00:00 +0300", "")
		if items[0].Key != want {
			t.Errorf("got key %q, want %q", items[0].Key, want)
		}
		if items[0].Key == items[1].Key {
			t.Errorf("got one key %q for two dates", items[0].Key)
		}
		if items[0].Story != "feed:mfa:"+items[0].Key {
			t.Errorf("got story %q, want feed:mfa:<key>", items[0].Story)
		}
	})
	t.Run("entries with the same GUID stay separate items", func(t *testing.T) {
		items := parseRSS(t, `<item><guid>g</guid><title>a</title></item><item><guid>g</guid><title>b</title></item>`+
			`<item><guid>g</guid><title>c</title></item>`)
		if len(items) != 3 {
			t.Fatalf("got %d items, want 3", len(items))
		}
		for i, want := range []string{"g", "g#2", "g#3"} {
			if items[i].Key != want {
				t.Errorf("got key %q for item %d, want %q", items[i].Key, i, want)
			}
		}
		if items[1].Story != "feed:mfa:g#2" {
			t.Errorf("got story %q, want feed:mfa:g#2", items[1].Story)
		}
	})
}

func TestItemDates(t *testing.T) {
	tests := []struct {
		name        string
		item        string
		want        time.Time
		dateMissing bool
	}{
		{"the published date is kept, in UTC", `<pubDate>Mon, 01 Jun 2026 10:00:00 +0300</pubDate>`,
			time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC), false},
		{"no date means now, marked missing", ``, testNow, true},
		{"an unparsable date means now, marked missing", `<pubDate>yesterday</pubDate>`, testNow, true},
		{"a date hours ahead is believed", `<pubDate>Tue, 01 Sep 2026 20:00:00 +0000</pubDate>`,
			time.Date(2026, 9, 1, 20, 0, 0, 0, time.UTC), false},
		{"a date more than a day ahead is not believed", `<pubDate>Fri, 01 Jan 2027 00:00:00 +0000</pubDate>`, testNow, true},
		{"a zero Unix date is not believed", `<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>`, testNow, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := parseRSS(t, `<item><guid>1</guid>`+tt.item+`</item>`)[0]
			if !it.Published.Equal(tt.want) || it.Published.Location() != time.UTC || it.DateMissing != tt.dateMissing {
				t.Errorf("got %s (missing %v), want %s (missing %v)", it.Published, it.DateMissing, tt.want, tt.dateMissing)
			}
		})
	}
	t.Run("the updated date stands in for a missing published date", func(t *testing.T) {
		doc := `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>x</title>` +
			`<updated>2026-08-01T12:00:00+02:00</updated></entry></feed>`
		items, err := ParseItems(&Response{Body: []byte(doc)}, attache.Feed{Name: "a"}, testNow)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		if want := time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC); !items[0].Published.Equal(want) || items[0].DateMissing {
			t.Errorf("got %s (missing %v), want %s", items[0].Published, items[0].DateMissing, want)
		}
	})
}

func TestItemFields(t *testing.T) {
	items := parseRSS(t, `<item><guid>1</guid><title> НАТО &amp; ОДКБ </title><description><![CDATA[<p>Text</p>]]></description>`+
		`<author>press@mid.ru (Press Office)</author><category>Europe</category><category> </category><category>NATO</category></item>`)
	it := items[0]
	if it.Feed != "mfa" || it.Title != "НАТО & ОДКБ" || it.Summary != "<p>Text</p>" {
		t.Errorf("got feed %q title %q summary %q", it.Feed, it.Title, it.Summary)
	}
	if !strings.Contains(it.Author, "Press Office") {
		t.Errorf("got author %q, want the press office", it.Author)
	}
	if strings.Join(it.Categories, "|") != "Europe|NATO" {
		t.Errorf("got categories %q, want Europe and NATO", it.Categories)
	}
	if it.Lang != "ru" {
		t.Errorf("got lang %q, want ru from the feed's ru-RU when the caller gives none", it.Lang)
	}
}

func TestCleanRepairsText(t *testing.T) {
	feed := &gofeed.Feed{Items: []*gofeed.Item{{
		GUID:        "id\x00",
		Title:       "bad \xff\xfe byte\x07 and C1 \u0085control",
		Description: "line one\nline\ttwo\r\n",
		Categories:  []string{"\x1b[31mred"},
	}}}
	it := normalizeFeed(feed, attache.Feed{Name: "x", Lang: "en"}, "", testNow)[0]
	if it.Title != "bad  byte and C1 control" {
		t.Errorf("got title %q, want invalid bytes and controls dropped", it.Title)
	}
	if it.Summary != "line one\nline\ttwo" {
		t.Errorf("got summary %q, want tab and newline kept", it.Summary)
	}
	if it.Key != "id" || it.Categories[0] != "[31mred" || it.Lang != "en" {
		t.Errorf("got key %q categories %q lang %q", it.Key, it.Categories, it.Lang)
	}
}

func TestKremlinCapture(t *testing.T) {
	items, err := ParseItems(&Response{Body: readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml"), ContentType: "application/atom+xml",
		URL: "http://en.kremlin.ru/events/all/feed"}, attache.Feed{Name: "kremlin-en", Lang: "en"}, testNow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(items) != 20 {
		t.Fatalf("got %d items, want 20", len(items))
	}
	first := items[0]
	want := attache.Item{
		Feed: "kremlin-en", Key: "http://en.kremlin.ru/events/president/news/56626",
		Story: "http://en.kremlin.ru/events/president/news/56626", Title: "Christmas greetings",
		Link: "http://en.kremlin.ru/events/president/news/56626", Author: "Presidential Press and Information Office",
		Lang: "en", Published: time.Date(2018, 1, 7, 5, 0, 0, 0, time.UTC),
	}
	if first.Feed != want.Feed || first.Key != want.Key || first.Story != want.Story || first.Title != want.Title ||
		first.Link != want.Link || first.Author != want.Author || first.Lang != want.Lang || !first.Published.Equal(want.Published) || first.DateMissing {
		t.Errorf("got first item\n%+v\nwant\n%+v", first, want)
	}
	if !strings.Contains(first.Summary, "congratulated") || !strings.Contains(first.Summary, "<p>") {
		t.Errorf("got summary %q, want the HTML summary", first.Summary)
	}
	if first.Content == "" {
		t.Error("got no content, want the entry's content")
	}
	keys := map[string]bool{}
	for _, it := range items {
		if keys[it.Key] {
			t.Errorf("got key %q twice", it.Key)
		}
		keys[it.Key] = true
	}
}
