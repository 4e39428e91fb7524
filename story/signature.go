package story

import (
	"sort"
	"time"
)

// SignatureVersion changes whenever Sign would give a different signature
// for the same item; signatures of another version are recomputed or
// ignored, never compared.
const SignatureVersion = 1

// Signature is what later items are compared with: all that Compare needs
// of an item, small enough to keep for every member of every open story and
// to store.
type Signature struct {
	Version   int       `json:"v"`
	Item      string    `json:"item"`
	Lang      string    `json:"lang"`
	Published time.Time `json:"published"`
	Concepts  []string  `json:"concepts,omitempty"`
	Entities  []Entity  `json:"entities,omitempty"`
	Numbers   []Number  `json:"numbers,omitempty"`
	// MinHash summarises the item's word stems for comparison within one
	// language.
	MinHash []uint32 `json:"minhash,omitempty"`

	dropped  bool // no longer compared with: its story closed or kept later members
	postings int  // how many postings it has in the index
}

// shingleSize is the number of consecutive stems in a shingle (1: each
// stem alone; see BENCHMARKS.md for why).
const shingleSize = 1

// Sign computes an item's signature.
func Sign(it Item) Signature {
	title, body := plain(it.Title), plain(it.Text)
	tw := words(title, true, nil)
	bw := words(body, false, nil)
	nums := numbers(title, tw, it.Lang)
	nums = append(nums, numbers(body, bw, it.Lang)...)
	concepts := append([]string(nil), it.Concepts...)
	sort.Strings(concepts)
	toks := tokens(tw, nil)
	toks = tokens(bw, toks)
	return Signature{
		Version: SignatureVersion, Item: it.ID, Lang: primaryLang(it.Lang),
		Published: it.Published.UTC(), Concepts: concepts, Entities: entities(tw, bw),
		Numbers: dedupeNumbers(nums), MinHash: minhash(shingleHashes(toks, shingleSize)),
	}
}

func primaryLang(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			return foldWord(tag[:i])
		}
	}
	return foldWord(tag)
}
