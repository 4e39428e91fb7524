package rules

import (
	"hash/maphash"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
)

// stemmer names a Snowball stemmer; stemNone compares folded words as they are.
type stemmer uint8

const (
	stemNone stemmer = iota
	stemEnglish
	stemFrench
	stemSpanish
	stemSwedish
	stemNorwegian
	stemHungarian
	stemRussian
	numStemmers
)

// latinStemmers are the stemmers a Latin-script query word is indexed under,
// since the same rule meets documents in every language.
var latinStemmers = []stemmer{stemNone, stemEnglish, stemFrench, stemSpanish, stemSwedish, stemNorwegian, stemHungarian}

var stemFuncs = [...]func(string, bool) string{
	stemEnglish:   english.Stem,
	stemFrench:    french.Stem,
	stemSpanish:   spanish.Stem,
	stemSwedish:   swedish.Stem,
	stemNorwegian: norwegian.Stem,
	stemHungarian: hungarian.Stem,
	stemRussian:   russian.Stem,
}

// cyrillicStemmer is the stemmer of Cyrillic words: none, since Russian
// query words are expanded into their forms (morph.go) and document words
// are compared as they are. The benchmarks set it to stemRussian, for a
// baseline of the Snowball matching that the forms replaced.
var cyrillicStemmer = stemNone

// nonLatinLangs are languages whose own script is not Latin. Latin-script
// words in their texts are mostly English names and terms, so they get the
// English stemmer rather than none.
var nonLatinLangs = map[string]bool{
	"ru": true, "uk": true, "be": true, "kk": true, "ky": true, "tg": true, "hy": true,
	"ka": true, "mn": true, "bg": true, "mk": true, "sr": true, "el": true, "zh": true,
	"ja": true, "ko": true, "ar": true, "fa": true, "he": true, "hi": true, "ur": true,
}

// latinStemmerFor is the stemmer for Latin-script words in a document of the
// given language: its own where Snowball has one, English by default and for
// languages written in another script, none for other Latin-script languages
// (a wrong stemmer would conflate unrelated words).
func latinStemmerFor(lang string) stemmer {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	switch lang {
	case "", "en":
		return stemEnglish
	case "fr":
		return stemFrench
	case "es":
		return stemSpanish
	case "sv":
		return stemSwedish
	case "no", "nb", "nn":
		return stemNorwegian
	case "hu":
		return stemHungarian
	}
	if nonLatinLangs[lang] {
		return stemEnglish
	}
	return stemNone
}

// script is the alphabet that decides how a folded word is stemmed.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
)

// scriptOf looks at the first letter of a folded word.
func scriptOf(w string) script {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				return scriptLatin
			}
			continue
		}
		if unicode.Is(unicode.Cyrillic, r) {
			return scriptCyrillic
		}
		if unicode.Is(unicode.Latin, r) {
			return scriptLatin
		}
		if unicode.IsLetter(r) {
			return scriptOther
		}
	}
	return scriptOther
}

// stemKey is a word's stem under one stemmer: the unit of comparison for bare
// words.
type stemKey struct {
	stemmer stemmer
	stem    string
}

// docStemmer chooses the stemmer for a folded word of a document whose Latin
// words use latin. Cyrillic words are not stemmed: Russian query words are
// expanded into their forms instead (morph.go).
func docStemmer(w string, latin stemmer) stemmer {
	switch scriptOf(w) {
	case scriptLatin:
		return latin
	case scriptCyrillic:
		return cyrillicStemmer
	}
	return stemNone
}

// stem applies s to a folded word, through a bounded cache: Snowball costs
// about a microsecond a word, and news vocabularies repeat.
func stem(s stemmer, w string) string {
	if s == stemNone {
		return w
	}
	return stems.get(s, w)
}

const (
	stemShards     = 64
	stemShardLimit = 4096 // entries; a full shard is emptied, bounding memory
)

type stemCache struct {
	seed   maphash.Seed
	shards [stemShards]stemShard
}

type stemShard struct {
	mu sync.RWMutex
	m  map[stemKey]string
}

var stems = newStemCache()

func newStemCache() *stemCache {
	c := &stemCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[stemKey]string)
	}
	return c
}

func (c *stemCache) get(s stemmer, w string) string {
	k := stemKey{s, w}
	sh := &c.shards[maphash.String(c.seed, w)%stemShards]
	sh.mu.RLock()
	v, ok := sh.m[k]
	sh.mu.RUnlock()
	if ok {
		return v
	}
	v = stemFuncs[s](w, true)
	k.stem = strings.Clone(w)
	sh.mu.Lock()
	if len(sh.m) >= stemShardLimit {
		clear(sh.m)
	}
	sh.m[k] = v
	sh.mu.Unlock()
	return v
}
