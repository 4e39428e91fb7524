package story

import (
	"strings"
	"testing"
)

func numberKeys(text, lang string) string {
	ws := words(text, false, nil)
	var keys []string
	for _, n := range dedupeNumbers(numbers(text, ws, lang)) {
		keys = append(keys, n.Key)
	}
	return strings.Join(keys, " ")
}

func TestNumbersInEveryNotation(t *testing.T) {
	cases := []struct{ text, lang, want string }{
		{"up to 90,000 troops", "en", "n:90000"},
		{"до 90 000 военнослужащих", "ru", "n:90000"},
		{"около 90 тыс. военных", "ru", "n:90000"},
		{"some 90 thousand troops", "en", "n:90000"},
		{"около 3,5 тыс. военных", "ru", "n:3500"},
		{"some 3,500 servicemen", "en", "n:3500"},
		{"1.5 million people", "en", "n:1500000"},
		{"by July 1", "en", "d:07-01"},
		{"до 1 июля", "ru", "d:07-01"},
		{"on 1 July 2025", "en", "d:07-01 y:2025"},
		{"at the summit on June 24-25", "en", "d:06-24 d:06-25"},
		{"на саммите 24-25 июня", "ru", "d:06-24 d:06-25"},
		{"с 12 по 16 сентября", "ru", "d:09-12 d:09-16"},
		{"on 12–16 September", "en", "d:09-12 d:09-16"},
		{"6月24日至25日在海牙举行", "zh", "d:06-24 d:06-25"},
		{"2025年6月12日外交部", "zh", "d:06-12 y:2025"},
		{"on 2025-06-03", "en", "d:06-03 y:2025"},
		{"03.06.2025", "ru", "d:06-03 y:2025"},
		{"до 5% ВВП", "ru", "p:5"},
		{"5 percent of GDP", "en", "p:5"},
		{"up to ten launchers", "en", "n:10"},
		{"до десяти пусковых установок", "ru", "n:10"},
		{"до конца 2025 года", "ru", "y:2025"},
		{"23 flights", "en", "n:23"},
	}
	for _, c := range cases {
		if got := numberKeys(c.text, c.lang); got != c.want {
			t.Errorf("numbers(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
