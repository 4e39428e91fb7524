package daemon

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify/slack/interact"
	"github.com/attache-dev/attache/rules"
)

// slackChannelID is a channel id, which the app can check the members of.
var slackChannelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,}$`)

// slackApps makes one Socket Mode app per Slack destination with an
// app_token: it answers the controls on that destination's alerts and the
// /attache command. The members of the destination's channel (when it is
// given by id) and slack_admins may act.
func (d *daemon) slackApps(cfg *config.Config) ([]*interact.App, []string, error) {
	var apps []*interact.App
	var names []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range cfg.Destinations {
			if !yield(n) {
				return
			}
		}
	}) {
		dest := cfg.Destinations[name]
		if dest.Type != config.TypeSlack || dest.AppToken.Value() == "" {
			continue
		}
		var channels []string
		if slackChannelID.MatchString(dest.Channel) {
			channels = []string{dest.Channel}
		} else {
			d.log.Warn("slack app: the channel is given by name, whose members cannot be checked: only slack_admins may act",
				"destination", name, "channel", dest.Channel)
		}
		app, err := interact.New(interact.Options{
			AppToken: dest.AppToken.Value(), BotToken: dest.Token.Value(),
			Channels: channels, Admins: cfg.SlackAdmins, APIURL: dest.APIURL,
			Logger: d.log.With("destination", name),
			Mutes:  d.store, Feedback: d.store, Inspector: inspector{d}, Backtester: backtester{d},
		})
		if err != nil {
			return nil, nil, configErr(fmt.Errorf("destination %q: %w", name, err))
		}
		apps, names = append(apps, app), append(names, name)
	}
	return apps, names, nil
}

// inspector answers /attache status and rules from the running daemon.
type inspector struct{ d *daemon }

func (i inspector) Status(ctx context.Context, lastAlerts int) (interact.Status, error) {
	var out interact.Status
	states, err := i.d.store.FeedStates(ctx)
	if err != nil {
		return out, err
	}
	byName := map[string]int{}
	for k, st := range states {
		byName[st.Feed] = k
	}
	for _, f := range i.d.config().Feeds {
		src := interact.Source{Name: f.Name}
		if k, ok := byName[f.Name]; ok {
			st := states[k]
			src.Failing, src.Failures, src.LastError, src.LastSuccess = st.ConsecutiveErrors > 0, st.ConsecutiveErrors, st.LastError, st.LastSuccess
		}
		out.Sources = append(out.Sources, src)
	}
	stats, err := i.d.store.QueueStats(ctx)
	if err != nil {
		return out, err
	}
	for _, q := range stats {
		out.Queue.Queued += q.Queued
		out.Queue.InFlight += q.InFlight
		out.Queue.Dead += q.Dead
		out.Queue.Muted += q.Muted
		if !q.OldestQueued.IsZero() && (out.Queue.Oldest.IsZero() || q.OldestQueued.Before(out.Queue.Oldest)) {
			out.Queue.Oldest = q.OldestQueued
		}
	}
	if lastAlerts <= 0 {
		return out, nil // asked for the sources only (a mute's name check)
	}
	alerts, err := i.d.store.Alerts(ctx, lastAlerts)
	if err != nil {
		return out, err
	}
	for _, a := range alerts {
		line := interact.AlertLine{ID: a.ID, Queued: a.Queued, Feed: a.Item.Feed, Title: a.Item.Title, Link: a.Item.Link, Status: a.Status}
		for _, m := range a.Matches {
			line.Rules = append(line.Rules, m.Rule)
		}
		out.LastAlerts = append(out.LastAlerts, line)
	}
	return out, nil
}

func (i inspector) Rules(context.Context) ([]interact.Rule, error) {
	var out []interact.Rule
	for _, r := range i.d.config().Rules {
		out = append(out, interact.Rule{Name: r.Name, Severity: r.Severity, Description: r.Description})
	}
	return out, nil
}

// backtester answers /attache test QUERY over the items the state kept,
// as `attache test --since` does, with the configuration's lists.
type backtester struct{ d *daemon }

func (b backtester) Backtest(ctx context.Context, query string, since time.Time, first int) (interact.Backtest, error) {
	cfg := b.d.config()
	m, err := rules.Compile([]rules.Rule{{Name: "query", Query: query}}, cfg.Lists)
	if err != nil {
		return interact.Backtest{}, fmt.Errorf("%w: %v", interact.ErrInvalidQuery, err)
	}
	items, err := b.d.store.ItemsSince(ctx, since)
	if err != nil {
		return interact.Backtest{}, err
	}
	out := interact.Backtest{Searched: len(items)}
	tags := map[string][]string{}
	for _, f := range cfg.Feeds {
		tags[f.Name] = f.Tags
	}
	for k := len(items) - 1; k >= 0; k-- { // newest first
		it := items[k]
		if len(m.Match(rules.DocumentOf(it, tags[it.Feed]...))) == 0 {
			continue
		}
		out.Matched++
		if len(out.First) < first {
			out.First = append(out.First, it)
		}
	}
	return out, nil
}
