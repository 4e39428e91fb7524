package slack

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// injection is feed text that would ping everyone, mention a user, disguise a
// link and fake bold if it were taken as mrkdwn.
const injection = "<!channel> <!here> <@U123> <https://evil.example|bank> & *bold*"

// injectionEscaped is how it must reach Slack: literal text.
const injectionEscaped = "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt; &amp; ∗bold∗"

func TestEscape(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"mentions, links and bold from a feed stay literal", injection, injectionEscaped},
		{"an entity in the text is shown as written", "AT&amp;T", "AT&amp;amp;T"},
		{"formatting characters become look-alikes", "_it_ ~gone~ `code` *b*", "ˍitˍ ∼gone∼ ˋcodeˋ ∗b∗"},
		{"line breaks and control characters become spaces", "a\nb\tc\x00d", "a b c d"},
		{"other scripts pass through", "НАТО 北约 🚀", "НАТО 北约 🚀"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := escape(c.in); got != c.want {
				t.Errorf("escape(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"spaces and line breaks collapse to one space", "  a \n\n b\t c  ", 100, "a b c"},
		{"invisible characters and bad bytes are dropped", "NA\u00adTO \u202eevil\xff", 100, "NATO evil"},
		{"a long text is cut to max characters with an ellipsis", "abcdefghij", 5, "abcd…"},
		{"a text of exactly max characters is kept whole", "abcde", 5, "abcde"},
		{"a cut never ends on a space before the ellipsis", "abc defgh", 5, "abc…"},
		{"Cyrillic is cut on a character boundary", "Североатлантический", 6, "Север…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := clean(c.in, c.max)
			if got != c.want {
				t.Errorf("clean(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > c.max {
				t.Errorf("clean(%q, %d) has %d characters", c.in, c.max, n)
			}
		})
	}
}

func TestLinkURL(t *testing.T) {
	cases := []struct {
		name, in string
		want     string
		ok       bool
	}{
		{"an http link is kept", "http://en.kremlin.ru/events/1", "http://en.kremlin.ru/events/1", true},
		{"an ampersand is written as an entity", "https://x.example/a?b=1&c=2", "https://x.example/a?b=1&amp;c=2", true},
		{"a bar or angle bracket cannot end the link early", "https://x.example/a?q=a|b>c<d", "https://x.example/a?q=a%7Cb%3Ec%3Cd", true},
		{"credentials that disguise the host are dropped", "https://bank.example@evil.example/login", "https://evil.example/login", true},
		{"non-ASCII is percent-encoded", "https://mid.ru/новости?q=НАТО", "https://mid.ru/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8?q=%D0%9D%D0%90%D0%A2%D0%9E", true},
		{"a javascript link is not linked", "javascript:alert(1)", "", false},
		{"a mailto link is not linked", "mailto:a@b.example", "", false},
		{"a relative link is not linked", "/events/1", "", false},
		{"a link without a host is not linked", "https:///x", "", false},
		{"a link longer than the limit is not linked", "https://x.example/" + strings.Repeat("a", 2000), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := linkURL(c.in, maxURL)
			if got != c.want || ok != c.ok {
				t.Errorf("linkURL(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestJoinFit(t *testing.T) {
	more := func(n int) string { return "+" + itoa(n) }
	t.Run("parts that fit are all joined", func(t *testing.T) {
		if got := joinFit([]string{"a", "b"}, ", ", 10, more); got != "a, b" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("parts that do not fit end with how many were left out", func(t *testing.T) {
		got := joinFit([]string{"aaaa", "bbbb", "cccc"}, ", ", 12, more)
		if got != "aaaa, +2" {
			t.Errorf("got %q, want %q", got, "aaaa, +2")
		}
		if slackLen(got) > 12 {
			t.Errorf("got %d characters, want at most 12", slackLen(got))
		}
	})
}

func TestSlackLenCountsEmojiTwice(t *testing.T) {
	if got := slackLen("aЖ🚀"); got != 4 {
		t.Errorf("slackLen = %d, want 4", got)
	}
}
