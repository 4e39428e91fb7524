package rules

import (
	"strconv"
	"strings"
	"testing"

	"github.com/attache-dev/attache/text"
)

func words(text, lang string) []string {
	var out []string
	for _, tk := range tokenize(text, 0, 0, latinStemmerFor(lang), nil) {
		out = append(out, tk.word)
	}
	return out
}

func TestTokenizeSplitsEveryAlphabetAlike(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"punctuation and hyphens separate", "Russia-NATO (CSTO), NATO's", "russia|nato|csto|nato|s"},
		{"Cyrillic words split at punctuation", "«НАТО»,ОДКБ—Беларусь", "нато|одкб|беларусь"},
		{"ё folds to е", "Ещё ёлка", "еще|елка"},
		{"full-width letters fold", "ＮＡＴＯ", "nato"},
		{"German ß folds to ss", "Straße", "strasse"},
		{"unspaced scripts split from spaced ones", "北约NATO峰会", "北约|nato|峰会"},
		{"combining marks stay in their word", "cafe\u0301 noir", "café|noir"},
		{"digits are words", "F-16 in 2024", "f|16|in|2024"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(words(c.in, "en"), "|"); got != c.want {
				t.Errorf("words(%q) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}

func TestTokenOffsetsPointIntoThePlainText(t *testing.T) {
	text := text.Plain("<p>НАТО&nbsp;у западных&nbsp;границ</p>")
	for _, tk := range tokenize(text, 0, 0, stemEnglish, nil) {
		if got := fold(text[tk.start:tk.end]); got != tk.word {
			t.Errorf("token %q at %d:%d covers %q", tk.word, tk.start, tk.end, text[tk.start:tk.end])
		}
	}
}

func TestStemmerByLanguage(t *testing.T) {
	cases := []struct {
		lang string
		want stemmer
	}{
		{"", stemEnglish}, {"en", stemEnglish}, {"en-GB", stemEnglish}, {"fr", stemFrench},
		{"es", stemSpanish}, {"sv", stemSwedish}, {"nb", stemNorwegian}, {"hu", stemHungarian},
		{"ru", stemEnglish}, {"zh", stemEnglish}, {"de", stemNone}, {"pl", stemNone},
	}
	for _, c := range cases {
		if got := latinStemmerFor(c.lang); got != c.want {
			t.Errorf("latinStemmerFor(%q) = %d, want %d", c.lang, got, c.want)
		}
	}
	if s := docStemmer("границах", stemEnglish); s != stemNone {
		t.Errorf("a Cyrillic word gets stemmer %d, want none: Russian query words are expanded into forms", s)
	}
}

func TestStemCacheStaysBounded(t *testing.T) {
	c := newStemCache()
	for i := range stemShards * stemShardLimit * 2 {
		c.get(stemEnglish, "word"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strconv.Itoa(i))
	}
	total := 0
	for i := range c.shards {
		total += len(c.shards[i].m)
	}
	if total > stemShards*stemShardLimit {
		t.Fatalf("cache holds %d entries, bound is %d", total, stemShards*stemShardLimit)
	}
	if got := c.get(stemEnglish, "borders"); got != "border" {
		t.Fatalf("stem = %q", got)
	}
}
