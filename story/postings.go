package story

import (
	"encoding/binary"
	"hash/fnv"
	"sort"
	"time"
)

// LSH banding of MinHash signatures: lshBands bands of lshRows rows. Two
// signatures whose sets have Jaccard similarity J share a band with
// probability 1-(1-J³)^21: 0.94 at J=0.5, 0.44 at J=0.3, 0.02 at J=0.1.
const (
	lshBands = 21
	lshRows  = 3
)

// postings index the signatures of open stories by the features that can
// make a pair score: named entities and countries, telling numbers and
// dates, and MinHash bands. An item is compared only with the signatures
// that share one of these, not with every open story.
type postings map[string][]posting

type posting struct {
	story string
	sig   *Signature
}

func (p postings) add(story string, sig *Signature) int {
	fs := features(sig)
	for _, f := range fs {
		p[f] = append(p[f], posting{story, sig})
	}
	sig.postings = len(fs)
	return len(fs)
}

// candidates are the live signatures within the window that share a
// feature with sig, each once, in a fixed order.
func (p postings) candidates(sig *Signature, window time.Duration) []posting {
	seen := map[*Signature]bool{}
	var out []posting
	for _, f := range features(sig) {
		for _, c := range p[f] {
			if seen[c.sig] || c.sig.dropped || !within(sig.Published, c.sig.Published, window) {
				continue
			}
			seen[c.sig] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].story != out[j].story {
			return out[i].story < out[j].story
		}
		return out[i].sig.Item < out[j].sig.Item
	})
	return out
}

// features are a signature's keys in the postings. Common entities (NATO,
// Belarus), countries and weak numbers (small counts, years, the day of
// publication) are left out: alone they cannot reach the threshold, and they
// would make most open stories candidates. Two items that share only those
// and their wording still meet through the MinHash bands.
func features(sig *Signature) []string {
	var out []string
	for _, e := range sig.Entities {
		if e.Class == ClassNamed {
			out = append(out, "e"+e.Key)
		}
	}
	for _, n := range sig.Numbers {
		if numberWeight(n.Key, sig.Published) >= 0.5 {
			out = append(out, n.Key)
		}
	}
	if len(sig.MinHash) == minhashSize {
		var buf [4 * lshRows]byte
		for b := 0; b < lshBands; b++ {
			for r := 0; r < lshRows; r++ {
				binary.LittleEndian.PutUint32(buf[4*r:], sig.MinHash[b*lshRows+r])
			}
			h := fnv.New64a()
			h.Write([]byte(sig.Lang))
			h.Write([]byte{byte(b)})
			h.Write(buf[:])
			out = append(out, "b"+string(binary.LittleEndian.AppendUint64(nil, h.Sum64())))
		}
	}
	return out
}
