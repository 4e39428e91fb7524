package interact

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/attache-dev/attache"
)

// clock is a clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// daemon keeps mutes and feedback in memory, with the semantics the
// interfaces ask of the store, and answers status, rules and backtests from
// fields that tests set. Its backtest matches a query as a case-insensitive
// substring of titles, and takes "((" for a query that does not parse.
type daemon struct {
	mu       sync.Mutex
	mutes    []attache.Mute
	feedback []attache.Feedback
	status   Status
	rules    []Rule
	items    []attache.Item
	queries  []string
	delay    time.Duration
	fail     error
}

var (
	_ Mutes         = (*daemon)(nil)
	_ FeedbackStore = (*daemon)(nil)
	_ Inspector     = (*daemon)(nil)
	_ Backtester    = (*daemon)(nil)
)

func (d *daemon) SetMute(_ context.Context, m attache.Mute) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	d.mutes = slices.DeleteFunc(d.mutes, func(x attache.Mute) bool { return x.Kind == m.Kind && x.Name == m.Name })
	d.mutes = append(d.mutes, m)
	return nil
}

func (d *daemon) Unmute(_ context.Context, kind attache.MuteKind, name string, now time.Time) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	was := false
	d.mutes = slices.DeleteFunc(d.mutes, func(x attache.Mute) bool {
		if x.Kind == kind && x.Name == name {
			was = was || x.Active(now)
			return true
		}
		return false
	})
	return was, nil
}

func (d *daemon) ActiveMutes(_ context.Context, now time.Time) ([]attache.Mute, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []attache.Mute
	for _, m := range d.mutes {
		if m.Active(now) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (d *daemon) allMutes() []attache.Mute {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.mutes)
}

func (d *daemon) AddFeedback(_ context.Context, fb []attache.Feedback) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	for _, f := range fb {
		d.feedback = slices.DeleteFunc(d.feedback, func(x attache.Feedback) bool {
			return x.AlertID == f.AlertID && x.Rule == f.Rule && x.By == f.By
		})
		d.feedback = append(d.feedback, f)
	}
	return nil
}

func (d *daemon) allFeedback() []attache.Feedback {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.feedback)
}

func (d *daemon) Status(_ context.Context, last int) (Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.status
	if len(st.LastAlerts) > last {
		st.LastAlerts = st.LastAlerts[:last]
	}
	return st, nil
}

func (d *daemon) Rules(context.Context) ([]Rule, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.rules), nil
}

func (d *daemon) Backtest(ctx context.Context, query string, since time.Time, first int) (Backtest, error) {
	d.mu.Lock()
	d.queries = append(d.queries, query)
	delay, items := d.delay, slices.Clone(d.items)
	d.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return Backtest{}, ctx.Err()
		}
	}
	if strings.Contains(query, "((") {
		return Backtest{}, fmt.Errorf("%w: unbalanced parentheses at 1", ErrInvalidQuery)
	}
	var res Backtest
	for _, it := range items {
		if it.Published.Before(since) {
			continue
		}
		res.Searched++
		if strings.Contains(strings.ToLower(it.Title), strings.ToLower(query)) {
			res.Matched++
			if len(res.First) < first {
				res.First = append(res.First, it)
			}
		}
	}
	return res, nil
}

func (d *daemon) lastQuery() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.queries) == 0 {
		return ""
	}
	return d.queries[len(d.queries)-1]
}
