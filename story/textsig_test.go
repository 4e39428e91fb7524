package story

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"testing"
	"time"
)

// simhash is the alternative measured against MinHash: Charikar's 64-bit
// SimHash over the same shingles, each weighing one. Similarity is the
// share of equal bits.
func simhash(set []uint64) uint64 {
	var v [64]int
	for _, h := range set {
		h = mix64(h)
		for i := range v {
			if h&(1<<i) != 0 {
				v[i]++
			} else {
				v[i]--
			}
		}
	}
	var out uint64
	for i, x := range v {
		if x > 0 {
			out |= 1 << i
		}
	}
	return out
}

func simhashSimilarity(a, b uint64) float64 { return 1 - float64(bits.OnesCount64(a^b))/64 }

func exactJaccard(a, b []uint64) float64 {
	in := map[uint64]bool{}
	for _, h := range a {
		in[h] = true
	}
	both := 0
	for _, h := range b {
		if in[h] {
			both++
		}
	}
	union := len(a) + len(b) - both
	if union == 0 {
		return 0
	}
	return float64(both) / float64(union)
}

// scoredPair is one pair of items of one language within the window, with
// a similarity and whether they are one story.
type scoredPair struct {
	sim  float64
	same bool
}

// auc is the probability that a random same-story pair scores above a
// random different-story pair (ties count half).
func auc(ps []scoredPair) float64 {
	var pos, neg []float64
	for _, p := range ps {
		if p.same {
			pos = append(pos, p.sim)
		} else {
			neg = append(neg, p.sim)
		}
	}
	var wins float64
	for _, a := range pos {
		for _, b := range neg {
			switch {
			case a > b:
				wins++
			case a == b:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

// bestF1 is the best pairwise F1 that a threshold on the similarity alone
// reaches over these pairs, and that threshold.
func bestF1(ps []scoredPair) (float64, float64) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].sim > ps[j].sim })
	total := 0
	for _, p := range ps {
		if p.same {
			total++
		}
	}
	best, at, tp := 0.0, 0.0, 0
	for i, p := range ps {
		if p.same {
			tp++
		}
		if i+1 < len(ps) && ps[i+1].sim == p.sim {
			continue
		}
		prec, rec := float64(tp)/float64(i+1), float64(tp)/float64(total)
		if f := 2 * prec * rec / (prec + rec); prec+rec > 0 && f > best {
			best, at = f, p.sim
		}
	}
	return best, at
}

func meanOf(ps []scoredPair, same bool) float64 {
	var s float64
	n := 0
	for _, p := range ps {
		if p.same == same {
			s += p.sim
			n++
		}
	}
	return s / float64(n)
}

// TestTextSignatureChoice measures, on the pairs of one language within the
// window of the fixture's tuning part, how well each text signature tells
// one story from two: exact Jaccard of stem shingles (k = 1, 2, 3), its
// MinHash estimate (the error of the estimate too), and SimHash. It prints
// the table in BENCHMARKS.md and checks that MinHash over single stems,
// the choice, separates at least as well as SimHash.
func TestTextSignatureChoice(t *testing.T) {
	for _, part := range []string{"tune", "heldout"} {
		items := loadFixture(t, part)
		toks := make([][]string, len(items))
		for i, it := range items {
			tw := words(plain(it.Title), true, nil)
			bw := words(plain(it.Text), false, nil)
			toks[i] = tokens(bw, tokens(tw, nil))
		}
		t.Logf("%s part: pairs of one language within 48h", part)
		t.Logf("  %-16s %8s %8s %6s %8s %8s %6s", "signature", "same", "other", "AUC", "best F1", "at", "MAE")
		var aucs = map[string]float64{}
		for k := 1; k <= 3; k++ {
			var exact, mh, sh []scoredPair
			var mae float64
			for i := range items {
				for j := i + 1; j < len(items); j++ {
					a, b := &items[i], &items[j]
					if a.Lang != b.Lang || a.Published.Sub(b.Published).Abs() > 48*time.Hour {
						continue
					}
					ha, hb := shingleHashes(toks[i], k), shingleHashes(toks[j], k)
					same := a.story == b.story
					e := exactJaccard(ha, hb)
					m := jaccard(minhash(ha), minhash(hb))
					mae += math.Abs(e - m)
					exact = append(exact, scoredPair{e, same})
					mh = append(mh, scoredPair{m, same})
					sh = append(sh, scoredPair{simhashSimilarity(simhash(ha), simhash(hb)), same})
				}
			}
			for _, row := range []struct {
				name string
				ps   []scoredPair
				mae  float64
			}{
				{fmt.Sprintf("exact k=%d", k), exact, math.NaN()},
				{fmt.Sprintf("minhash64 k=%d", k), mh, mae / float64(len(mh))},
				{fmt.Sprintf("simhash64 k=%d", k), sh, math.NaN()},
			} {
				f, at := bestF1(row.ps)
				aucs[row.name] = auc(row.ps)
				t.Logf("  %-16s %8.3f %8.3f %6.3f %8.3f %8.3f %6.3f", row.name, meanOf(row.ps, true),
					meanOf(row.ps, false), aucs[row.name], f, at, row.mae)
			}
		}
		if part == "tune" && aucs["minhash64 k=1"] < aucs["simhash64 k=1"] {
			t.Errorf("MinHash k=1 AUC %.3f below SimHash's %.3f: revisit the choice", aucs["minhash64 k=1"], aucs["simhash64 k=1"])
		}
	}
}
