package source

import (
	"slices"
	"testing"
)

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
		{"port 443 on http is kept", "http://example.org:443/a", "http://example.org:443/a"},
		{"an empty path becomes /", "http://example.org", "http://example.org/"},
		{"white space around is trimmed", "  http://example.org/a \n", "http://example.org/a"},
		{"parameter values keep their encoding", "http://example.org/s?q=a%20b&x=%D0%9D%D0%90%D0%A2%D0%9E", "http://example.org/s?q=a%20b&x=%D0%9D%D0%90%D0%A2%D0%9E"},
		{"an IPv6 host loses its default port only", "http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"},
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
	a := HashKey("Title", "Mon, 01 Jan 2018 00:00:00 GMT", "x")
	if a != HashKey("Title", "Mon, 01 Jan 2018 00:00:00 GMT", "other text") {
		t.Error("got a key that depends on the text when title and date are known")
	}
	if a == HashKey("Title", "Tue, 02 Jan 2018 00:00:00 GMT", "x") || a == HashKey("Other", "Mon, 01 Jan 2018 00:00:00 GMT", "x") {
		t.Error("got the same key for a different title or date")
	}
	if HashKey("", "", "one") == HashKey("", "", "two") {
		t.Error("got one key for two undated, untitled items with different text")
	}
	if len(a) != len("sha256:")+32 {
		t.Errorf("got key %q, want sha256: and 32 hex digits", a)
	}
}
