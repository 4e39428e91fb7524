package rumorph

import (
	"bytes"
	_ "embed"
	"slices"
	"sort"
	"sync"
)

//go:generate go run ./gen -aff /usr/share/hunspell/ru_RU.aff -dic /usr/share/hunspell/ru_RU.dic -fix gen/corrections.txt -o ru.dict

// data is the encoded dictionary that ./gen writes (see README in this
// folder for where it comes from and how to make it again).
//
//go:embed ru.dict
var data []byte

// Dict is the decoded dictionary: lemmas sorted by their reversed spelling,
// so that one sorted array answers both "is this a lemma" and "which lemmas
// end most like this word".
type Dict struct {
	paradigms []Paradigm
	blob      string   // the reversed encoded lemmas, back to back
	offsets   []uint32 // lemma i is blob[offsets[i]:offsets[i+1]]
	paradigm  []uint32 // lemma i's paradigm

	// lemmaEndings maps an ending to the lemma endings of the paradigms
	// that have it: the candidates when a word is taken apart.
	lemmaEndings map[string][]string
	maxEnding    int
}

// Load decodes the embedded dictionary once; later calls share it.
var Load = sync.OnceValues(func() (*Dict, error) {
	return read(bytes.NewReader(data))
})

// Lemmas is the number of lemmas (for reports).
func (d *Dict) Lemmas() int { return len(d.paradigm) }

func (d *Dict) index() {
	d.lemmaEndings = map[string][]string{}
	for _, p := range d.paradigms {
		for _, e := range p.Endings {
			if !slices.Contains(d.lemmaEndings[e], p.Lemma) {
				d.lemmaEndings[e] = append(d.lemmaEndings[e], p.Lemma)
			}
			d.maxEnding = max(d.maxEnding, len(e))
		}
	}
}

func (d *Dict) entry(i int) string { return d.blob[d.offsets[i]:d.offsets[i+1]] }

// find returns the range of lemmas whose reversed spelling is rev.
func (d *Dict) find(rev string) (int, int) {
	n := len(d.paradigm)
	lo := sort.Search(n, func(i int) bool { return d.entry(i) >= rev })
	hi := lo
	for hi < n && d.entry(hi) == rev {
		hi++
	}
	return lo, hi
}

// Lemma is one lemma a word belongs to, with every form of it (folded,
// UTF-8), the lemma first.
type Lemma struct {
	Lemma string
	Forms []string
}

// Lookup returns every lemma of which word (folded) is a form. A word
// outside the dictionary, or not written in Russian letters, has none.
func (d *Dict) Lookup(word string) []Lemma {
	code, ok := encode(word)
	if !ok || code == "" {
		return nil
	}
	type key struct {
		lemma string
		p     uint32
	}
	seen := map[key]bool{}
	var out []Lemma
	for k := max(0, len(code)-d.maxEnding); k <= len(code); k++ {
		ending := code[k:]
		for _, le := range d.lemmaEndings[ending] {
			lemma := code[:k] + le
			lo, hi := d.find(reverse(lemma))
			for i := lo; i < hi; i++ {
				p := d.paradigm[i]
				par := &d.paradigms[p]
				if par.Lemma != le || !slices.Contains(par.Endings, ending) || seen[key{lemma, p}] {
					continue
				}
				seen[key{lemma, p}] = true
				out = append(out, d.lemmaOf(code[:k], par))
			}
		}
	}
	return out
}

func (d *Dict) lemmaOf(stem string, p *Paradigm) Lemma {
	l := Lemma{Lemma: decode(stem + p.Lemma)}
	l.Forms = append(l.Forms, l.Lemma)
	for _, e := range p.Endings {
		if f := decode(stem + e); f != l.Lemma {
			l.Forms = append(l.Forms, f)
		}
	}
	return l
}

// guessWindow is how many lemmas on each side of a word's place in the
// reversed order are compared with it when its paradigm is guessed.
const guessWindow = 256

// Guess gives a word outside the dictionary the paradigm of the lemma that
// ends most like it, taking the word as a lemma: "Рыженков" declines like a
// known lemma in "-енков". The analogy must cover at least three letters and
// one letter of the stem; ok is false when none does. analog is the lemma
// the paradigm was taken from.
func (d *Dict) Guess(word string) (l Lemma, analog string, ok bool) {
	code, enc := encode(word)
	if !enc || len(code) < 3 {
		return Lemma{}, "", false
	}
	rev := reverse(code)
	n := len(d.paradigm)
	at := sort.Search(n, func(i int) bool { return d.entry(i) >= rev })
	best, bestLen := -1, 0
	for j := max(0, at-guessWindow); j < min(n, at+guessWindow); j++ {
		e := d.entry(j)
		common := 0
		for common < len(e) && common < len(rev) && e[common] == rev[common] {
			common++
		}
		p := &d.paradigms[d.paradigm[j]]
		if len(p.Endings) < 2 || common <= bestLen || common < 3 || common <= len(p.Lemma) {
			continue
		}
		if len(code)-len(p.Lemma) < 2 || code[len(code)-len(p.Lemma):] != p.Lemma {
			continue
		}
		best, bestLen = j, common
	}
	if best < 0 {
		return Lemma{}, "", false
	}
	p := &d.paradigms[d.paradigm[best]]
	return d.lemmaOf(code[:len(code)-len(p.Lemma)], p), decode(reverse(d.entry(best))), true
}
