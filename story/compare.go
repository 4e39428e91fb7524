package story

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Weights are the parts of the pairwise score. DefaultWeights are what the
// fixture's tuning part chose (BENCHMARKS.md).
type Weights struct {
	Common, Country, Named float64 // a shared entity, by class
	// Aside scales a shared name that is in the title or lead of only one
	// item, and twice over one in neither: a name met in passing.
	Aside      float64
	GroupExtra float64 // each further shared name of one group, as a share of its weight
	Concept    float64 // a shared rule list
	Text       float64 // times the estimated Jaccard similarity, same language only
	// Against is for a run of names in one item's title or lead that the
	// other never mentions; Speaker is for one named as who speaks.
	Against, Speaker float64
	AgainstCap       float64 // at most this much against in all
	Threshold        float64 // the score from which two items are one story
}

// DefaultWeights are the weights Compare uses when given none.
var DefaultWeights = Weights{
	Common: 0.1, Country: 0.3, Named: 1, Aside: 0.9, GroupExtra: 0.25, Concept: 0.1, Text: 3.5,
	Against: 0.75, Speaker: 2, AgainstCap: 2.5, Threshold: 2,
}

// Reason is why two items are, or are not, one story: what they share and
// what speaks against it, and the score that sums it up.
type Reason struct {
	// Member is the item of the story that the new item matched best.
	Member string  `json:"member"`
	Score  float64 `json:"score"`
	// Similarity estimates how much wording the two share (Jaccard of word
	// stems); only items of one language have it.
	Similarity float64  `json:"similarity,omitempty"`
	Concepts   []string `json:"concepts,omitempty"`
	// Entities are shared names, as "this item's spelling = the member's".
	Entities []string `json:"entities,omitempty"`
	Numbers  []string `json:"numbers,omitempty"`
	// Against are names in one item's title or lead that the other never
	// mentions: who speaks, or where, is not the same.
	Against []string `json:"against,omitempty"`
}

// String writes the reason on one line.
func (r Reason) String() string {
	var parts []string
	if len(r.Entities) > 0 {
		parts = append(parts, "entities "+strings.Join(r.Entities, ", "))
	}
	if len(r.Numbers) > 0 {
		parts = append(parts, "numbers "+strings.Join(r.Numbers, ", "))
	}
	if len(r.Concepts) > 0 {
		parts = append(parts, "concepts "+strings.Join(r.Concepts, ", "))
	}
	if r.Similarity > 0 {
		parts = append(parts, fmt.Sprintf("wording %.2f", r.Similarity))
	}
	if len(r.Against) > 0 {
		parts = append(parts, "but not "+strings.Join(r.Against, ", "))
	}
	return fmt.Sprintf("score %.2f: %s", r.Score, strings.Join(parts, "; "))
}

// Compare scores two signatures as being one story, with the reason. The
// score is symmetric: Compare(a, b) and Compare(b, a) give the same score.
func Compare(a, b *Signature, w Weights) Reason {
	r := Reason{Member: b.Item}
	var score float64

	// fa and fb hold, for each entity of a and of b, its weight factor if
	// the other item shares it (by prominence), else 0.
	fa, fb := make([]float64, len(a.Entities)), make([]float64, len(b.Entities))
	i, j := 0, 0
	for i < len(a.Entities) && j < len(b.Entities) {
		ea, eb := &a.Entities[i], &b.Entities[j]
		switch {
		case ea.Key < eb.Key:
			i++
		case ea.Key > eb.Key:
			j++
		default:
			f := 1.0
			if !(ea.Title || ea.Lead) {
				f *= w.Aside
			}
			if !(eb.Title || eb.Lead) {
				f *= w.Aside
			}
			fa[i], fb[j] = f, f
			if ea.Class > ClassCommon {
				r.Entities = append(r.Entities, spellings(ea.Text, eb.Text))
			}
			i++
			j++
		}
	}
	score += math.Min(groupScore(a.Entities, fa, w), groupScore(b.Entities, fb, w))

	// Dates count as about one fact however many two items share: a range
	// (24-25 June) or an event's days are one date of the story.
	var dates, bestDate float64
	i, j = 0, 0
	for i < len(a.Numbers) && j < len(b.Numbers) {
		na, nb := &a.Numbers[i], &b.Numbers[j]
		switch {
		case na.Key < nb.Key:
			i++
		case na.Key > nb.Key:
			j++
		default:
			v := math.Min(numberWeight(na.Key, a.Published), numberWeight(nb.Key, b.Published))
			if na.Key[0] == 'd' {
				dates += v
				bestDate = math.Max(bestDate, v)
			} else {
				score += v
			}
			r.Numbers = append(r.Numbers, spellings(na.Text, nb.Text))
			i++
			j++
		}
	}
	score += bestDate + w.GroupExtra*(dates-bestDate)

	for _, c := range a.Concepts {
		for _, d := range b.Concepts {
			if c == d {
				r.Concepts = append(r.Concepts, c)
			}
		}
	}
	score += w.Concept * float64(len(r.Concepts))

	if a.Lang == b.Lang && a.Lang != "" {
		r.Similarity = jaccard(a.MinHash, b.MinHash)
		score += w.Text * r.Similarity
	}

	against := againstScore(a, b, fa, w, &r) + againstScore(b, a, fb, w, &r)
	score -= math.Min(against, w.AgainstCap)
	r.Score = math.Round(score*100) / 100
	sort.Strings(r.Against)
	return r
}

// againstScore is the evidence that x and y are not one story: each run of
// names in x's title or lead that y never mentions, not even in part (y may
// spell a first name differently), says that someone else speaks or that it
// happened elsewhere; who speaks weighs most.
func againstScore(x, y *Signature, shared []float64, w Weights, r *Reason) float64 {
	n := len(x.Entities) + 1 // group ids are below this
	met := make([]bool, n)
	penalty := make([]float64, n)
	for k, e := range x.Entities {
		if e.Class == ClassNamed && e.Group < n && (shared[k] > 0 || mentions(y, e.Key)) {
			met[e.Group] = true
		}
	}
	for _, e := range x.Entities {
		if (e.Title || e.Lead) && e.Class == ClassNamed && e.Group < n && !met[e.Group] {
			r.Against = append(r.Against, e.Text)
			p := w.Against
			if e.Speaker {
				p = w.Speaker
			}
			penalty[e.Group] = math.Max(penalty[e.Group], p)
		}
	}
	var s float64
	for _, p := range penalty {
		s += p
	}
	return s
}

// groupScore sums the weights of an item's shared entities (factor > 0),
// counting a run of adjacent names (a first name and a surname) as about
// one. Groups are summed in a fixed order: the same score to the last bit.
func groupScore(es []Entity, factor []float64, w Weights) float64 {
	n := len(es) + 1
	best, total := make([]float64, n), make([]float64, n)
	for k, e := range es {
		if factor[k] == 0 || e.Group >= n {
			continue
		}
		v := classWeight(e.Class, w) * factor[k]
		total[e.Group] += v
		best[e.Group] = math.Max(best[e.Group], v)
	}
	var s float64
	for g := range best {
		s += best[g] + w.GroupExtra*(total[g]-best[g])
	}
	return s
}

func classWeight(c Class, w Weights) float64 {
	switch c {
	case ClassCommon:
		return w.Common
	case ClassCountry:
		return w.Country
	}
	return w.Named
}

func mentions(s *Signature, key string) bool {
	i := sort.Search(len(s.Entities), func(i int) bool { return s.Entities[i].Key >= key })
	return i < len(s.Entities) && s.Entities[i].Key == key
}

func spellings(a, b string) string {
	if strings.EqualFold(a, b) {
		return a
	}
	return a + " = " + b
}
