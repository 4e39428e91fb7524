package story

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestWeightSensitivity prints the tuning part's pairwise F1 as each weight
// moves around its default, one at a time: the defaults should sit on a
// plateau, not on a peak that the fixture alone would make.
func TestWeightSensitivity(t *testing.T) {
	if !*grid {
		t.Skip("run with -grid")
	}
	tune := loadFixture(t, "tune")
	in := make([]Item, len(tune))
	for i, it := range tune {
		in[i] = it.item()
	}
	f1 := func(w Weights) string {
		e := evaluate(tune, Cluster(in, Config{Weights: w}))
		_, _, f := e.all.scores()
		_, _, fs := e.same.scores()
		return fmt.Sprintf("%.3f/%.3f", f, fs)
	}
	for _, knob := range []struct {
		name string
		set  func(*Weights, float64)
		vals []float64
	}{
		{"Threshold", func(w *Weights, v float64) { w.Threshold = v }, []float64{1.5, 1.75, 2, 2.25, 2.5, 2.75, 3}},
		{"Named", func(w *Weights, v float64) { w.Named = v }, []float64{0.6, 0.8, 1, 1.2, 1.5}},
		{"Text", func(w *Weights, v float64) { w.Text = v }, []float64{0, 2, 3, 3.5, 4, 5}},
		{"Speaker", func(w *Weights, v float64) { w.Speaker = v }, []float64{0, 1, 1.5, 2, 2.5, 3}},
		{"Against", func(w *Weights, v float64) { w.Against = v }, []float64{0, 0.25, 0.5, 0.75, 1, 1.25}},
		{"Aside", func(w *Weights, v float64) { w.Aside = v }, []float64{0.4, 0.5, 0.6, 0.75, 0.9, 1}},
		{"Country", func(w *Weights, v float64) { w.Country = v }, []float64{0, 0.15, 0.3, 0.5}},
		{"Concept", func(w *Weights, v float64) { w.Concept = v }, []float64{0, 0.1, 0.2, 0.3}},
	} {
		var cells []string
		for _, v := range knob.vals {
			w := DefaultWeights
			knob.set(&w, v)
			cells = append(cells, fmt.Sprintf("%g→%s", v, f1(w)))
		}
		t.Logf("%-9s %s", knob.name, strings.Join(cells, "  "))
	}
}

// TestWeightGrid searches a small grid of the weights that matter most on
// the tuning part and prints the points whose F1, averaged with that of
// their neighbours one step away on each axis, is best: a choice that does
// not hang on one pair of the fixture. Run it with -grid.
func TestWeightGrid(t *testing.T) {
	if !*grid {
		t.Skip("run with -grid")
	}
	tune := loadFixture(t, "tune")
	in := make([]Item, len(tune))
	for i, it := range tune {
		in[i] = it.item()
	}
	axes := [][]float64{
		{1.75, 2, 2.25, 2.5},  // Threshold
		{1, 1.5, 2, 2.5},      // Speaker
		{2.5, 3, 3.5, 4, 4.5}, // Text
		{0.5, 0.6, 0.75, 0.9}, // Aside
		{0.25, 0.5, 0.75, 1},  // Against
	}
	set := func(idx []int) Weights {
		w := DefaultWeights
		w.Threshold, w.Speaker, w.Text, w.Aside, w.Against = axes[0][idx[0]], axes[1][idx[1]], axes[2][idx[2]], axes[3][idx[3]], axes[4][idx[4]]
		return w
	}
	f1 := map[string]float64{}
	var keys [][]int
	var walk func(idx []int)
	walk = func(idx []int) {
		if len(idx) == len(axes) {
			e := evaluate(tune, Cluster(in, Config{Weights: set(idx)}))
			_, _, f := e.all.scores()
			f1[fmt.Sprint(idx)] = f
			keys = append(keys, append([]int(nil), idx...))
			return
		}
		for i := range axes[len(idx)] {
			walk(append(idx, i))
		}
	}
	walk(nil)
	type point struct {
		idx       []int
		f, robust float64
	}
	var pts []point
	for _, idx := range keys {
		sum, n := 0.0, 0
		for a := range axes {
			for _, d := range []int{-1, 1} {
				j := append([]int(nil), idx...)
				j[a] += d
				if v, ok := f1[fmt.Sprint(j)]; ok {
					sum += v
					n++
				}
			}
		}
		f := f1[fmt.Sprint(idx)]
		pts = append(pts, point{idx, f, (f + sum/float64(n)) / 2})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].robust > pts[j].robust })
	for _, p := range pts[:8] {
		w := set(p.idx)
		t.Logf("robust %.3f  F1 %.3f  threshold %g speaker %g text %g aside %g against %g", p.robust, p.f,
			w.Threshold, w.Speaker, w.Text, w.Aside, w.Against)
	}
}

var grid = flag.Bool("grid", false, "search the weight grid")
