package adaptive

import (
	"math"
	"time"
)

// Tuning of the plan, chosen on the trace-driven benchmark (BENCHMARKS.md).
const (
	// priorItems is how many items' worth of uniform belief the profile
	// starts from, so that a new source is polled evenly and a quiet hour
	// never counts as impossible.
	priorItems = 2.0
	// pooling is the share of a bin's rate taken from the same hour on the
	// other days of its kind (working day or weekend): a ministry's
	// Tuesday resembles its Wednesday more than a handful of items can show.
	pooling = 0.5
	// maxFollowOns bounds how many further items a new one is expected to
	// bring.
	maxFollowOns = 8.0
	// reserve is the share of the budget the plan leaves unspent: the
	// bucket lets a busy week spend what quiet days saved, and the plan
	// keeps a little back so that what a source spends stays under its
	// budget over weeks, not only in the long run.
	reserve = 0.01
	// emphasis weighs busy hours above what the mean delay alone would
	// (1/2): the median delay matters more to an analyst than the mean.
	// At 1 the plan, outside the tail, polls in proportion to density.
	emphasis = 1.0
	// tail and tailWeight: each minute an item waits beyond tail costs
	// tailWeight minutes of ordinary delay, so that hours holding a real
	// share of items are not left at MaxInterval (the p95).
	tail       = 9 * time.Minute
	tailWeight = 3.0
)

// kernel smooths the profile over neighbouring hours: an item at 10:50 says
// something about 11:00 too.
var kernel = [...]float64{1, 3, 8, 3, 1}

// weekPlan is the rate of publication by hour of week and the price of a
// poll at which the polls it plans spend the budget.
type weekPlan struct {
	lambda     [hoursPerWeek]float64 // expected items per hour
	rates      [hoursPerWeek]float64 // polls per hour at lambda
	mean       float64               // mean of lambda
	mu         float64               // price of a poll, in item-hours
	rmin, rmax float64               // polls per hour
}

// rate is polls per hour at a rate of publication lambda (items per hour).
//
// An item published at a uniformly random moment between two polls I apart
// waits I/2 on average, and (I−T)²/2I beyond a tail T. At rate λ, an hour
// polled every I costs m·I/2 + λ·w·(I−T)²/2I in waiting, where m weighs λ
// by emphasis (m = λ·(λ/mean)^(2e−1); m = λ at e = 1/2, the mean delay),
// and μ/I in polls at price μ. The cost is convex in I; its minimum is
// I = √(2μ/m) while that is at most T (the square-root rule: polls in
// proportion to √m), else √((λwT² + 2μ)/(m + λw)), else T at the kink.
// The price μ is set once per plan so that the week's polls meet the budget.
func (p *weekPlan) rate(lambda float64) float64 {
	return intervalRate(lambda, p.mean, p.mu, p.rmin, p.rmax)
}

func intervalRate(lambda, mean, mu, rmin, rmax float64) float64 {
	if lambda <= 0 {
		return rmin
	}
	m := lambda * math.Pow(lambda/mean, 2*emphasis-1)
	t, w := tail.Hours(), tailWeight
	iv := math.Sqrt(2 * mu / m)
	if iv > t {
		iv = max(math.Sqrt((lambda*w*t*t+2*mu)/(m+lambda*w)), t)
	}
	return min(max(1/iv, rmin), rmax)
}

// weekPlan works out the plan from the state, once per change of state.
func (s *Schedule) weekPlan() *weekPlan {
	if s.plan != nil {
		return s.plan
	}
	p := &weekPlan{rmin: 1 / s.cfg.MaxInterval.Hours(), rmax: 1 / s.cfg.MinInterval.Hours()}
	shape := s.shape()
	level := s.level()
	for h := range p.lambda {
		p.lambda[h] = shape[h] * level * hoursPerWeek
	}
	p.mean = level
	overhead := s.st.Overhead
	if overhead == 0 {
		overhead = 1
	}
	p.mu = p.price(s.cfg.Budget * 7 * (1 - reserve) / overhead)
	for h, l := range p.lambda {
		p.rates[h] = p.rate(l)
	}
	s.plan = p
	return p
}

// price finds the price of a poll at which the plan spends want polls a
// week, by bisection on its logarithm: the spend falls as the price rises.
func (p *weekPlan) price(want float64) float64 {
	spend := func(mu float64) float64 {
		var n float64
		for _, l := range p.lambda {
			n += intervalRate(l, p.mean, mu, p.rmin, p.rmax)
		}
		return n
	}
	lo, hi := -60.0, 20.0
	for range 60 {
		mid := (lo + hi) / 2
		if spend(math.Exp(mid)) > want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp(hi)
}

// shape is the share of a week's items expected in each hour of week:
// the learned counts smoothed over neighbouring hours, pooled with the same
// hour of the other days of its kind, and blended with a uniform prior.
func (s *Schedule) shape() [hoursPerWeek]float64 {
	var smooth [hoursPerWeek]float64
	var ksum float64
	for _, k := range kernel {
		ksum += k
	}
	half := len(kernel) / 2
	for h := range smooth {
		for i, k := range kernel {
			smooth[h] += k / ksum * s.st.Counts[(h+i-half+hoursPerWeek)%hoursPerWeek]
		}
	}
	// Mean of each hour of day over working days (0) and weekends (1).
	var pooled [2][24]float64
	for h, v := range smooth {
		day := h / 24
		if day >= 5 {
			pooled[1][h%24] += v / 2
		} else {
			pooled[0][h%24] += v / 5
		}
	}
	var out [hoursPerWeek]float64
	var total float64
	for h := range out {
		kind := 0
		if h/24 >= 5 {
			kind = 1
		}
		out[h] = (1-pooling)*smooth[h] + pooling*pooled[kind][h%24]
		total += out[h]
	}
	for h := range out {
		out[h] = (out[h] + priorItems/hoursPerWeek) / (total + priorItems)
	}
	return out
}

// level is the expected items per hour, averaged over the week: the recent
// rate, steadied by the long-term one as if it had been seen for a day.
func (s *Schedule) level() float64 {
	st := &s.st
	long := (sum(st.Counts[:]) + priorItems) / (st.Exposure + hoursPerWeek)
	return (st.Recent + long*24) / (st.RecentExposure + 24)
}

// burstRate is the extra rate of publication, in items per hour, just after
// an item appeared: the items expected to follow it, spread over the burst
// time constant.
func (s *Schedule) burstRate() float64 {
	if s.st.LastItem.IsZero() {
		return 0
	}
	// A share f of items follow another within a burst; after one, f/(1-f)
	// more are expected. A prior of one in three until the source shows.
	f := (s.st.FollowOns + 1) / (s.st.Items + 3)
	return min(f/(1-f), maxFollowOns) / s.cfg.Burst.Hours()
}

// planned is how many requests the plan alone makes from one time to
// another: the rate of polls by hour of week, summed over the time.
func (s *Schedule) planned(from, to time.Time) float64 {
	p := s.weekPlan()
	var n float64
	for t := from; t.Before(to); {
		local := t.In(s.cfg.Location)
		next := time.Date(local.Year(), local.Month(), local.Day(), local.Hour()+1, 0, 0, 0, s.cfg.Location)
		if !next.After(t) {
			next = t.Add(time.Hour)
		}
		if next.After(to) {
			next = to
		}
		n += p.rates[hourOfWeek(local, s.cfg.Location)] * next.Sub(t).Hours()
		t = next
	}
	return n
}

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}
