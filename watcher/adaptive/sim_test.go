package adaptive

import (
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"time"
)

// A poller is a scheduler under test: told what each poll found, asked when
// to poll next.
type poller interface {
	observe(at time.Time, found []time.Time, first bool)
	next(now time.Time) time.Time
}

// fixed polls every d, from a phase of its own (as "@every 10m" does from
// when the daemon started).
type fixed struct{ d time.Duration }

func (f *fixed) observe(time.Time, []time.Time, bool) {}
func (f *fixed) next(now time.Time) time.Time         { return now.Add(f.d) }

// miniflux is Miniflux's entry_frequency scheduler: interval = one week ÷
// (entries of the last week × factor), clamped to [5 min, 24 h]; a feed
// without entries last week waits the longest interval.
type miniflux struct {
	factor float64
	seen   []time.Time // publication dates of the entries it has
	iv     time.Duration
}

func (m *miniflux) observe(at time.Time, found []time.Time, _ bool) {
	m.seen = append(m.seen, found...)
	week := 7 * 24 * time.Hour
	n := 0
	for _, p := range m.seen {
		if at.Sub(p) <= week {
			n++
		}
	}
	if n == 0 {
		m.iv = 24 * time.Hour
		return
	}
	m.iv = min(max(time.Duration(float64(week)/(float64(n)*m.factor)), 5*time.Minute), 24*time.Hour)
}
func (m *miniflux) next(now time.Time) time.Time { return now.Add(m.iv) }

// adaptivePoller is the Schedule under test.
type adaptivePoller struct{ s *Schedule }

func (a *adaptivePoller) observe(at time.Time, found []time.Time, first bool) {
	out := NotModified
	if len(found) > 0 {
		out = Fetched
	}
	a.s.Observe(Observation{At: at, Outcome: out, New: found, Baseline: first})
}
func (a *adaptivePoller) next(now time.Time) time.Time { return a.s.Next(now) }

// scheduler names a way of making pollers.
type scheduler struct {
	name string
	make func(tr trace) poller
}

var schedulers = []scheduler{
	{"fixed-10m", func(trace) poller { return &fixed{d: 10 * time.Minute} }},
	{"miniflux", func(trace) poller { return &miniflux{factor: 1} }},
	{"adaptive", func(tr trace) poller {
		s, err := New(Config{Location: tr.Loc, Seed: seedOf(tr.Name)}, State{})
		if err != nil {
			panic(err)
		}
		return &adaptivePoller{s}
	}},
}

func seedOf(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// outcome is what one scheduler did over some sources.
type outcome struct {
	delays []time.Duration // publication to detection, per measured item
	polls  int             // requests in the measured windows
	days   float64         // source-days measured
}

func (o *outcome) add(p outcome) {
	o.delays = append(o.delays, p.delays...)
	o.polls += p.polls
	o.days += p.days
}

// simulate polls one trace on virtual time. The first poll, at Start, finds
// the history; each later poll finds the items that appeared since the one
// before, and each is detected then. Items still unfound at End count as
// found at End. A fixed scheduler's phase is drawn from the source's name.
func simulate(tr trace, p poller) outcome {
	var out outcome
	i := 0
	for i < len(tr.Items) && !tr.Items[i].After(tr.Start) {
		i++
	}
	t := tr.Start
	if _, ok := p.(*fixed); ok {
		t = t.Add(time.Duration(seedOf(tr.Name) % uint64(10*time.Minute)))
	}
	p.observe(t, slices.Clone(tr.Items[:i]), true)
	for {
		n := p.next(t)
		if !n.After(t) {
			n = t.Add(time.Second)
		}
		t = n
		if !t.Before(tr.End) {
			break
		}
		if !t.Before(tr.Measure) {
			out.polls++
		}
		j := i
		for j < len(tr.Items) && !tr.Items[j].After(t) {
			if !tr.Items[j].Before(tr.Measure) {
				out.delays = append(out.delays, t.Sub(tr.Items[j]))
			}
			j++
		}
		p.observe(t, slices.Clone(tr.Items[i:j]), false)
		i = j
	}
	for ; i < len(tr.Items); i++ {
		if !tr.Items[i].Before(tr.Measure) && tr.Items[i].Before(tr.End) {
			out.delays = append(out.delays, tr.End.Sub(tr.Items[i]))
		}
	}
	out.days = tr.End.Sub(tr.Measure).Hours() / 24
	return out
}

// figures summarise an outcome.
type figures struct {
	items            int
	median, p95, max time.Duration
	reqPerDay        float64 // requests per source per day
}

func summarise(o outcome) figures {
	d := slices.Clone(o.delays)
	slices.Sort(d)
	q := func(p float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		return d[min(int(math.Ceil(p*float64(len(d))))-1, len(d)-1)]
	}
	f := figures{items: len(d), median: q(0.5), p95: q(0.95), reqPerDay: float64(o.polls) / max(o.days, 1)}
	if len(d) > 0 {
		f.max = d[len(d)-1]
	}
	return f
}

func (f figures) String() string {
	return fmt.Sprintf("items %5d  median %7s  p95 %8s  max %9s  req/source/day %6.1f",
		f.items, f.median.Round(time.Second), f.p95.Round(time.Second), f.max.Round(time.Second), f.reqPerDay)
}

// run simulates every trace under every scheduler: figures over all
// sources, and by group of sources.
func run(trs []trace) (all map[string]figures, byGroup map[string]map[string]figures) {
	all, byGroup = map[string]figures{}, map[string]map[string]figures{}
	for _, sc := range schedulers {
		var total outcome
		groups := map[string]*outcome{}
		for _, tr := range trs {
			o := simulate(tr, sc.make(tr))
			total.add(o)
			if groups[tr.Group] == nil {
				groups[tr.Group] = &outcome{}
			}
			groups[tr.Group].add(o)
		}
		all[sc.name] = summarise(total)
		byGroup[sc.name] = map[string]figures{}
		for g, o := range groups {
			byGroup[sc.name][g] = summarise(*o)
		}
	}
	return all, byGroup
}
