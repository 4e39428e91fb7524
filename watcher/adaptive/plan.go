package adaptive

import (
	"math"
)

// Tuning of the plan. Each was chosen on the trace-driven benchmark
// (BENCHMARKS.md) and is explained where it is used.
const (
	// exponent: polls are spent in proportion to the expected rate of
	// publication raised to this power. One half is the square-root rule,
	// which minimises the expected delay from publication to detection for
	// a given number of polls (a poll every 1/r finds an item published at
	// rate λ after 1/(2r) on average: minimise Σ λ/2r under Σ r = budget).
	exponent = 0.5
	// reserve is the share of the budget the plan leaves for bursts.
	reserve = 0.1
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
)

// kernel smooths the profile over neighbouring hours: an item at 10:50 says
// something about 11:00 too.
var kernel = [...]float64{1, 3, 8, 3, 1}

// weekPlan is the rate of publication by hour of week and the constant that
// turns it into a rate of polls spending the budget.
type weekPlan struct {
	lambda     [hoursPerWeek]float64 // expected items per hour
	rates      [hoursPerWeek]float64 // polls per hour at lambda
	c          float64
	rmin, rmax float64 // polls per hour
}

// rate is polls per hour at a rate of publication lambda.
func (p *weekPlan) rate(lambda float64) float64 {
	return min(max(p.c*math.Pow(lambda, exponent), p.rmin), p.rmax)
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
	var x [hoursPerWeek]float64
	for h, l := range p.lambda {
		x[h] = math.Pow(l, exponent)
	}
	p.c = solve(&x, p.rmin, p.rmax, s.cfg.Budget*7*(1-reserve))
	for h := range p.rates {
		p.rates[h] = min(max(p.c*x[h], p.rmin), p.rmax)
	}
	s.plan = p
	return p
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

// solve finds the constant c at which polls at c·x[h] per hour, held
// between rmin and rmax, add up to want a week: by bisection on its
// logarithm, as the sum rises with c.
func solve(x *[hoursPerWeek]float64, rmin, rmax, want float64) float64 {
	spend := func(c float64) float64 {
		var n float64
		for _, v := range x {
			n += min(max(c*v, rmin), rmax)
		}
		return n
	}
	lo, hi := -50.0, 50.0
	for range 60 {
		mid := (lo + hi) / 2
		if spend(math.Exp(mid)) < want {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp(hi)
}

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}
