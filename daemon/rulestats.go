package daemon

import (
	"context"
	"time"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/store"
)

// ruleStatsScan bounds how many of the latest alerts are counted per rule.
const ruleStatsScan = 20000

// RuleStat is one rule in use: its alerts and readers' verdicts over the
// last 7 and 30 days.
type RuleStat struct {
	Rule                  string
	Alerts7, Alerts30     int
	Feedback7, Feedback30 store.FeedbackCount
}

// RuleStats is `attache rules stats`: for every configured rule (and any
// other the state names), its alerts and the readers' verdicts over the
// last 7 and 30 days, read beside a running daemon.
func RuleStats(ctx context.Context, cfg *config.Config, now time.Time) ([]RuleStat, error) {
	st, err := openStateReadOnly(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	week, err := st.RuleFeedback(ctx, now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	month, err := st.RuleFeedback(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, err
	}
	alerts, err := st.Alerts(ctx, ruleStatsScan)
	if err != nil {
		return nil, err
	}
	byRule := map[string]*RuleStat{}
	var order []string
	get := func(rule string) *RuleStat {
		if s, ok := byRule[rule]; ok {
			return s
		}
		s := &RuleStat{Rule: rule}
		byRule[rule] = s
		order = append(order, rule)
		return s
	}
	for _, r := range cfg.Rules {
		get(r.Name)
	}
	for _, a := range alerts {
		for _, m := range a.Matches {
			s := get(m.Rule)
			if !a.Queued.Before(now.Add(-30 * 24 * time.Hour)) {
				s.Alerts30++
			}
			if !a.Queued.Before(now.Add(-7 * 24 * time.Hour)) {
				s.Alerts7++
			}
		}
	}
	for rule, c := range week {
		get(rule).Feedback7 = c
	}
	for rule, c := range month {
		get(rule).Feedback30 = c
	}
	out := make([]RuleStat, len(order))
	for i, r := range order {
		out[i] = *byRule[r]
	}
	return out, nil
}
