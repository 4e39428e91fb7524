package story

import (
	"hash/fnv"
	"strings"
	"sync"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
	"golang.org/x/text/unicode/norm"
)

// cyrillic is the romanisation of Russian, Belarusian and Ukrainian letters
// used before a name is reduced to its key: close to BGN/PCGN, the system
// news agencies mostly follow. The key then absorbs what the other systems
// do differently (ISO 9, scientific, Belarusian Łacinka, Polish spelling).
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'і': "i", 'ў': "u", 'є': "ye", 'ї': "yi", 'ґ': "g",
}

// latinLetters spells the Latin letters with diacritics whose sound a plain
// letter would lose (š is sh, not s); other diacritics are dropped.
var latinLetters = map[rune]string{
	'š': "sh", 'ž': "zh", 'č': "ch", 'ć': "ch", 'ś': "s", 'ź': "z", 'ż': "z", 'ł': "l",
	'ß': "ss", 'ø': "o", 'æ': "ae", 'œ': "oe", 'đ': "d", 'ı': "i",
}

// Romanize writes a word in lower-case ASCII Latin letters: Cyrillic
// transliterated, Latin diacritics spelled out or dropped. Other scripts and
// digits are dropped.
func Romanize(w string) string {
	var b strings.Builder
	b.Grow(len(w) + 4)
	w = strings.ToLower(w)
	for _, r := range w {
		if r >= 0x300 && r < 0x370 { // a combining mark: compose first
			w = norm.NFC.String(w)
			break
		}
	}
	for _, r := range w {
		switch {
		case 'a' <= r && r <= 'z':
			b.WriteRune(r)
		case cyrillic[r] != "" || r == 'ъ' || r == 'ь':
			b.WriteString(cyrillic[r])
		case latinLetters[r] != "":
			b.WriteString(latinLetters[r])
		case unicode.Is(unicode.Latin, r):
			for _, d := range norm.NFD.String(string(r)) {
				if 'a' <= d && d <= 'z' {
					b.WriteRune(d)
				}
			}
		}
	}
	return b.String()
}

// digraphs are the spellings that transliteration systems disagree on,
// folded to one class each, longest first. Upper-case letters stand for a
// class inside the key: S a hushing sibilant, C an affricate (ч, ц).
var digraphs = strings.NewReplacer(
	"shch", "S", "sch", "S", "tsch", "C", "sh", "S", "sz", "S", "zh", "z",
	"ch", "C", "cz", "C", "ts", "C", "tz", "C", "kh", "h", "ck", "k", "ph", "f",
	"th", "t", "x", "ks", "w", "v", "q", "k", "j", "y", "c", "k", "g", "h",
)

// NameKey reduces a name to the key that its spellings in Cyrillic and in
// the usual Latin transliterations share: Лукашенко, Lukashenko and
// Lukashenka; Захарова, Захаровой and Zakharova; Хренин and Khrenin;
// Гродно, Grodno and Hrodna. It romanizes the word, folds the consonants
// that systems write differently (г/h, х/kh/h, ш/sh/sz, ж/zh/ž, w/v, x/ks)
// and every run of vowels to one vowel, drops a final vowel and then a final
// vowel with м or х, as often as they end it (the Russian case endings -ом,
// -ым, -ами, -ах, -ого).
// The same folding is applied to every script, so an English word that
// happens to end like a Russian case ending loses it too and still meets its
// Russian spelling. It returns "" for a word that leaves fewer than two
// letters.
func NameKey(w string) string {
	f := strings.TrimSuffix(strings.TrimSuffix(foldWord(w), "'s"), "’s")
	return skeleton(Romanize(f))
}

// skeleton folds a romanized word as NameKey describes.
func skeleton(r string) string {
	s := digraphs.Replace(r)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			c = 'a'
		case 'S':
			c = 's'
		}
		if n := len(b); n > 0 && b[n-1] == c {
			continue
		}
		b = append(b, c)
	}
	b = dropFinalVowel(b)
	for n := len(b); n >= 5 && b[n-2] == 'a' && (b[n-1] == 'm' || b[n-1] == 'h'); n = len(b) {
		b = dropFinalVowel(b[:n-2])
	}
	if len(b) < 2 {
		return ""
	}
	return string(b)
}

func dropFinalVowel(b []byte) []byte {
	if n := len(b); n > 2 && b[n-1] == 'a' {
		return b[:n-1]
	}
	return b
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// stem is the word's stem in its own language: Russian for Cyrillic,
// English for Latin; other words as they are. It is computed once per word
// and cached across items.
func stem(w *word) string {
	if w.stemmed == "" {
		w.stemmed = stems.get(w.script, w.fold)
	}
	return w.stemmed
}

// stemCache remembers the stems of words met recently: an item's words are
// mostly words other items had, and stemming is most of what signing costs.
// It is bounded and sharded, and changes no result.
type stemCache struct {
	shards [16]struct {
		mu sync.RWMutex
		m  map[string]string
	}
}

const stemCacheShard = 1 << 13 // entries per shard before it is emptied

var stems = &stemCache{}

func (c *stemCache) get(sc script, w string) string {
	if sc != scriptCyrillic && sc != scriptLatin {
		return w
	}
	h := fnv.New32a()
	h.Write([]byte(w))
	sh := &c.shards[h.Sum32()%uint32(len(c.shards))]
	sh.mu.RLock()
	v, ok := sh.m[w]
	sh.mu.RUnlock()
	if ok {
		return v
	}
	if sc == scriptCyrillic {
		v = russian.Stem(w, false)
	} else {
		v = english.Stem(w, false)
	}
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= stemCacheShard {
		sh.m = make(map[string]string)
	}
	sh.m[strings.Clone(w)] = v
	sh.mu.Unlock()
	return v
}
