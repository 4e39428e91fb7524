package adaptive

import (
	"slices"
	"testing"
	"time"
)

// TestTraceGoal runs the trace-driven comparison and holds the adaptive
// schedule to what it reaches (BENCHMARKS.md): at no more requests than
// "@every 10m", a p95 from publication to detection of at most 10 min (the
// goal) and a median under 100 s. The goal's median of 90 s is not reached
// on these traces (93 s); the test logs where it stands.
func TestTraceGoal(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates months of polling")
	}
	trs, withCorpus := traces(t)
	if !withCorpus {
		t.Log("corpus absent: generated ministries only")
	}
	all, byGroup := run(trs)
	for _, sc := range schedulers {
		t.Logf("%-9s all               %v", sc.name, all[sc.name])
		groups := make([]string, 0, len(byGroup[sc.name]))
		for g := range byGroup[sc.name] {
			groups = append(groups, g)
		}
		slices.Sort(groups)
		for _, g := range groups {
			t.Logf("%-9s %-17s %v", sc.name, g, byGroup[sc.name][g])
		}
	}
	a, f := all["adaptive"], all["fixed-10m"]
	if a.reqPerDay > f.reqPerDay {
		t.Errorf("adaptive spends %.1f requests per source per day, more than fixed-10m's %.1f", a.reqPerDay, f.reqPerDay)
	}
	if a.median > 100*time.Second {
		t.Errorf("adaptive median %v, want < 100s", a.median)
	}
	if a.median > 90*time.Second {
		t.Logf("adaptive median %v: above the 90s goal", a.median)
	}
	if a.p95 > 10*time.Minute {
		t.Errorf("adaptive p95 %v, want ≤ 10m", a.p95)
	}
}

// BenchmarkTraces reports, for each scheduler, the median and p95 time from
// publication to detection (seconds) and the requests per source per day,
// over the same traces; and adaptive's figures as ratios of fixed-10m's.
func BenchmarkTraces(b *testing.B) {
	trs, _ := traces(b)
	var all map[string]figures
	for b.Loop() {
		all, _ = run(trs)
	}
	for _, sc := range schedulers {
		f := all[sc.name]
		b.ReportMetric(f.median.Seconds(), sc.name+"-median-s")
		b.ReportMetric(f.p95.Seconds(), sc.name+"-p95-s")
		b.ReportMetric(f.reqPerDay, sc.name+"-req/day")
	}
	a, f := all["adaptive"], all["fixed-10m"]
	b.ReportMetric(a.median.Seconds()/f.median.Seconds(), "adaptive/fixed-median")
	b.ReportMetric(a.p95.Seconds()/f.p95.Seconds(), "adaptive/fixed-p95")
	b.ReportMetric(a.reqPerDay/f.reqPerDay, "adaptive/fixed-req")
	b.ReportMetric(float64(len(trs)), "sources")
}
