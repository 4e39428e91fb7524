package web

import (
	"testing"
	"time"
)

func TestSafeLink(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"an https link is kept", "https://mid.ru/ru/press/1?x=1&y=2#top", "https://mid.ru/ru/press/1?x=1&y=2#top"},
		{"an http link is kept", "http://en.kremlin.ru/events/1", "http://en.kremlin.ru/events/1"},
		{"an upper-case scheme is accepted, lower-cased", "HTTPS://mid.ru/", "https://mid.ru/"},
		{"surrounding space is trimmed", "  https://mid.ru/ \n", "https://mid.ru/"},
		{"javascript is refused", "javascript:alert(1)", ""},
		{"javascript in mixed case is refused", "JavaScript:alert(1)", ""},
		{"javascript behind spaces is refused", " \tjavascript:alert(1)", ""},
		{"javascript split by a tab is refused", "java\tscript:alert(1)", ""},
		{"data is refused", "data:text/html,<script>alert(1)</script>", ""},
		{"vbscript is refused", "vbscript:msgbox(1)", ""},
		{"mailto is refused", "mailto:press@mid.ru", ""},
		{"a relative link is refused", "/ru/press/1", ""},
		{"a scheme-relative link is refused", "//evil.example/x", ""},
		{"an http link without a host is refused", "http:///etc/passwd", ""},
		{"a link with user information is refused", "https://mid.ru@evil.example/", ""},
		{"an empty link is refused", "", ""},
		{"a link that does not parse is refused", "https://mid.ru/%zz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeLink(tt.raw); got != tt.want {
				t.Errorf("safeLink(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestAgo(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{42 * time.Second, "42s ago"},
		{59 * time.Minute, "59m ago"},
		{26*time.Hour + 5*time.Minute, "26h 5m ago"},
		{9 * 24 * time.Hour, "9d ago"},
		{-5 * time.Minute, "in 5m"},
	}
	for _, tt := range tests {
		if got := ago(tt.d); got != tt.want {
			t.Errorf("ago(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
