package ident

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// The cases are those of package watcher's own tests: the two must agree
// until the feed and list-page readers use this package too.
func TestNormalizeLink(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"scheme and host become lower-case", "HTTP://EN.Kremlin.RU/Events/President", "http://en.kremlin.ru/Events/President"},
		{"the fragment is dropped", "http://example.org/news/1#comments", "http://example.org/news/1"},
		{"utm parameters are dropped and the others kept in order", "https://example.org/a?z=1&utm_source=rss&b=2&UTM_Medium=feed&a=3", "https://example.org/a?z=1&b=2&a=3"},
		{"a query of utm parameters only disappears", "https://example.org/a?utm_source=rss&utm_campaign=x", "https://example.org/a"},
		{"an encoded utm name is still dropped", "https://example.org/a?utm%5Fsource=rss&id=7", "https://example.org/a?id=7"},
		{"the http default port is dropped", "http://example.org:80/a", "http://example.org/a"},
		{"the https default port is dropped", "https://example.org:443/a", "https://example.org/a"},
		{"another port is kept", "https://example.org:8443/a", "https://example.org:8443/a"},
		{"an empty path becomes /", "http://example.org", "http://example.org/"},
		{"white space around is trimmed", "  http://example.org/a \n", "http://example.org/a"},
		{"parameter values keep their encoding", "http://example.org/s?q=a%20b&x=%D0%9D%D0%90%D0%A2%D0%9E", "http://example.org/s?q=a%20b&x=%D0%9D%D0%90%D0%A2%D0%9E"},
		{"an empty string stays empty", "", ""},
		{"something that is not a URL is only trimmed", " http://%zz ", "http://%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeLink(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	entries := []Entry{
		{ID: "MID_Russia/1", Item: attache.Item{Title: "one", Link: "https://t.me/MID_Russia/1?utm_source=x"}},
		{Item: attache.Item{Title: "two", Link: "https://mfa.example/press"}},
		{Item: attache.Item{Title: "three", Link: "https://mfa.example/press"}},
		{Item: attache.Item{Title: "four", Link: "https://mfa.example/"}},
		{Item: attache.Item{Title: "five"}, DateText: "2024-11-02"},
		{ID: "MID_Russia/1", Item: attache.Item{Title: "six", Link: "https://t.me/MID_Russia/6"}},
	}
	items := Assign("f", entries)
	wantKeys := []string{"MID_Russia/1", "https://mfa.example/press", "https://mfa.example/press#2", "https://mfa.example/", HashKey("five", "2024-11-02", ""), "MID_Russia/1#2"}
	wantStories := []string{
		"https://t.me/MID_Russia/1",
		"feed:f:https://mfa.example/press", // a link that two entries share tells no story
		"feed:f:https://mfa.example/press#2",
		"feed:f:https://mfa.example/", // nor does a site's front page
		"feed:f:" + HashKey("five", "2024-11-02", ""),
		"https://t.me/MID_Russia/6",
	}
	for i, it := range items {
		if it.Feed != "f" || it.Key != wantKeys[i] || it.Story != wantStories[i] {
			t.Errorf("item %d: got feed %q key %q story %q, want f, %q, %q", i, it.Feed, it.Key, it.Story, wantKeys[i], wantStories[i])
		}
	}
}

func TestUniqueKeys(t *testing.T) {
	tests := []struct {
		name     string
		in, want []string
	}{
		{"distinct keys stay as they are", []string{"a", "b"}, []string{"a", "b"}},
		{"repeats get #2, #3 in document order", []string{"a", "b", "a", "a"}, []string{"a", "b", "a#2", "a#3"}},
		{"a suffix that another entry already has is skipped", []string{"a", "a", "a#2"}, []string{"a", "a#3", "a#2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := uniqueKeys(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHashKey(t *testing.T) {
	a := HashKey("Title", "2018-01-01", "x")
	if a != HashKey("Title", "2018-01-01", "other text") {
		t.Error("got a key that depends on the text when title and date are known")
	}
	if a == HashKey("Title", "2018-01-02", "x") || a == HashKey("Other", "2018-01-01", "x") {
		t.Error("got the same key for a different title or date")
	}
	if HashKey("", "", "one") == HashKey("", "", "two") {
		t.Error("got one key for two undated, untitled items with different text")
	}
}

func TestDate(t *testing.T) {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	msk := time.FixedZone("MSK", 3*3600)
	tests := []struct {
		name        string
		in          time.Time
		ok          bool
		want        time.Time
		wantMissing bool
	}{
		{"a plausible date is kept, in UTC", time.Date(2026, 9, 1, 10, 0, 0, 0, msk), true, time.Date(2026, 9, 1, 7, 0, 0, 0, time.UTC), false},
		{"no date is first seen now", time.Time{}, false, now, true},
		{"a date before 1970 is not believed", time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC), true, now, true},
		{"a date a day and more ahead is not believed", now.Add(25 * time.Hour), true, now, true},
		{"a date some hours ahead is believed", now.Add(5 * time.Hour), true, now.Add(5 * time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := Date(tt.in, tt.ok, now)
			if !got.Equal(tt.want) || missing != tt.wantMissing || got.Location() != time.UTC {
				t.Errorf("got %v, %v; want %v, %v", got, missing, tt.want, tt.wantMissing)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	page, _ := url.Parse("https://t.me/s/MID_Russia?before=100")
	file, _ := url.Parse("file:///srv/pages/channel.html")
	tests := []struct {
		name string
		base *url.URL
		in   string
		want string
	}{
		{"a relative link resolves against the page", page, "/MID_Russia/42", "https://t.me/MID_Russia/42"},
		{"a query-only link keeps the page's path", page, "?q=%23NATO", "https://t.me/s/MID_Russia?q=%23NATO"},
		{"an absolute link stays", page, "https://mid.ru/ru/press", "https://mid.ru/ru/press"},
		{"a place on the page is no link", page, "#top", ""},
		{"javascript is no link", page, "javascript:alert(1)", ""},
		{"a remote page cannot lead to a local file", page, "file:///etc/passwd", ""},
		{"a local page may lead to a local file", file, "other.html", "file:///srv/pages/other.html"},
		{"a relative link without a base is dropped", nil, "/a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resolve(tt.base, tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	if got := Clean(" a\x00b\tc\xff\n "); got != "ab\tc" {
		t.Errorf("got %q", got)
	}
	if got := PrimaryLang("ru-RU"); got != "ru" {
		t.Errorf("got %q", got)
	}
	if got := PrimaryLang("english"); got != "" {
		t.Errorf("got %q", got)
	}
}
