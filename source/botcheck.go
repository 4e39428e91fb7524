package source

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"
)

// botMarkers are strings found in the challenge pages of bot-protection
// services, which answer a feed reader with an HTML page (or a 403/503)
// instead of the feed. They are only looked for in documents that are not
// feeds, so a news item quoting them is never mistaken for a bot check.
var botMarkers = []struct{ marker, service string }{
	{"bobcmn", "F5/Shape"},
	{"tspd_101", "F5/Shape"},
	{"/tspd/", "F5/Shape"},
	{"cf-chl", "Cloudflare"},
	{"cf_chl", "Cloudflare"},
	{"/cdn-cgi/challenge-platform/", "Cloudflare"},
	{"just a moment...", "Cloudflare"},
	{"attention required! | cloudflare", "Cloudflare"},
	{"_incapsula_resource", "Imperva Incapsula"},
	{"ddos-guard", "DDoS-Guard"},
	{"smartcaptcha", "Yandex SmartCaptcha"},
	{"checking your browser", "unknown service"},
}

// botScan bounds how much of a page is searched for markers and a title.
const botScan = 256 << 10

// detectBotCheck names the bot-protection service whose challenge page b
// is, or returns "".
func detectBotCheck(b []byte) string {
	if len(b) > botScan {
		b = b[:botScan]
	}
	lower := bytes.ToLower(b)
	for _, m := range botMarkers {
		if bytes.Contains(lower, []byte(m.marker)) {
			return m.service
		}
	}
	return ""
}

// pageTitle returns the text of an HTML page's <title>, entities decoded,
// white space collapsed and cut to 120 characters, or "".
func pageTitle(b []byte) string {
	if len(b) > botScan {
		b = b[:botScan]
	}
	// ASCII-only lowering keeps byte offsets equal to those in b.
	lower := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	open := bytes.Index(lower, []byte("<title"))
	if open < 0 {
		return ""
	}
	gt := bytes.IndexByte(lower[open:], '>')
	if gt < 0 {
		return ""
	}
	start := open + gt + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return ""
	}
	text := strings.Join(strings.Fields(html.UnescapeString(string(b[start:start+end]))), " ")
	return cutRunes(text, 120)
}

// cutRunes shortens s to at most n runes, marking the cut with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n {
			break
		}
		count++
	}
	return s[:i] + "…"
}
