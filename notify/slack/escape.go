package slack

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// ellipsis ends text that was cut.
const ellipsis = "…"

// lookalikes stand in for the characters of Slack's mrkdwn formatting when
// they come from a feed. Slack has no escape for them (a backslash is shown
// as it is), so a title such as "*URGENT* ~not~ `code`" would otherwise be
// drawn bold, struck or as code, and its asterisks would pair with the ones
// around our highlighted hits. The look-alikes read the same to a person and
// mean nothing to Slack; the price is that a reader who copies the text gets
// them instead of the ASCII characters.
var lookalikes = map[rune]rune{
	'*': '∗', // U+2217 ASTERISK OPERATOR
	'_': 'ˍ', // U+02CD MODIFIER LETTER LOW MACRON
	'~': '∼', // U+223C TILDE OPERATOR
	'`': 'ˋ', // U+02CB MODIFIER LETTER GRAVE ACCENT
}

// escape makes feed text literal in Slack mrkdwn: &, < and > become the
// entities Slack asks for, so that "<!channel>", "<@U123>" or
// "<https://evil.example|your bank>" are shown, never acted on; formatting
// characters become look-alikes; line breaks and other control characters
// become spaces. Callers cut text before escaping it, so an entity is never
// split.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			if l, ok := lookalikes[r]; ok {
				r = l
			} else if unicode.IsControl(r) {
				r = ' '
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// clean prepares untrusted text for one line: runs of spaces, line breaks
// and control characters become one space, invisible formatting characters
// (direction overrides, zero-width spaces) and invalid UTF-8 are dropped,
// and the text is cut to max characters, ending with "…" when it was longer.
func clean(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max*utf8.UTFMax))
	n, space := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space && n > 0 {
			b.WriteByte(' ')
			n++
		}
		space = false
		if n >= max {
			return strings.TrimRight(cutRunes(b.String(), max-1), " ") + ellipsis
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// cutRunes returns at most the first n characters of s, cut on a character
// boundary.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// slackLen counts s the way Slack's limits count it, on the safe side: in
// UTF-16 code units, so a character outside the Basic Multilingual Plane
// (most emoji) counts twice, as in JavaScript.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// linkURL returns link in the form that can go between < and | in mrkdwn,
// and whether it may be linked at all: only an absolute http or https URL
// with a host, and no longer than max bytes once encoded. Credentials in it
// are dropped (https://bank.example@evil.example is a phishing trick), and
// every byte that could end the link early or is not plain ASCII is
// percent-encoded, & as &amp;.
func linkURL(link string, max int) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return "", false
	}
	u.User = nil
	s := u.String()
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&':
			b.WriteString("&amp;")
		case c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '|' || c == '"':
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > max {
		return "", false
	}
	return b.String(), true
}

// linked is label as a link to target when target can be linked, else label
// alone. label must already be escaped.
func linked(target, label string, maxURL int) string {
	if u, ok := linkURL(target, maxURL); ok {
		return "<" + u + "|" + label + ">"
	}
	return label
}

// joinFit joins parts with sep, keeping the result within max characters
// (as slackLen counts them). When not all parts fit, it keeps as many as it
// can and ends with more(n), n being how many it left out.
func joinFit(parts []string, sep string, max int, more func(n int) string) string {
	if s := strings.Join(parts, sep); slackLen(s) <= max {
		return s
	}
	var b strings.Builder
	n, kept := 0, 0
	for i, p := range parts {
		cost := slackLen(p)
		if i > 0 {
			cost += slackLen(sep)
		}
		tail := slackLen(sep) + slackLen(more(len(parts)-i-1))
		if n+cost+tail > max {
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		n += cost
		kept++
	}
	if kept > 0 {
		b.WriteString(sep)
	}
	b.WriteString(more(len(parts) - kept))
	return b.String()
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }
