package interact

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/attache-dev/attache"
	render "github.com/attache-dev/attache/notify/slack"
)

// Caps on what one line of an answer quotes, in characters.
const (
	maxTitle = 150
	maxError = 300
	maxDesc  = 200
	// lastAlerts is how many recent alerts /attache status lists.
	lastAlerts = 10
)

// status carries out "/attache status": the sources that fail, the queue,
// the mutes in force and the last alerts.
func (a *App) status(ctx context.Context) reply {
	st, err := a.o.Inspector.Status(ctx, lastAlerts)
	if err != nil {
		a.log.Error("slack app: cannot read the status", keyError, a.errText(err))
		return reply{Text: "The status could not be read; see the daemon's log."}
	}
	active, err := a.o.Mutes.ActiveMutes(ctx, a.o.Now())
	if err != nil {
		a.log.Error("slack app: cannot list mutes", keyError, a.errText(err))
	}
	var failing []func() string
	for _, src := range st.Sources {
		if src.Failing {
			failing = append(failing, func() string { return sourceLine(src) })
		}
	}
	q := st.Queue
	head := fmt.Sprintf("*Sources*: %d, %d failing\n*Queue*: %d queued", len(st.Sources), len(failing), q.Queued)
	if !q.Oldest.IsZero() {
		head += " (oldest " + when(q.Oldest) + ")"
	}
	head += fmt.Sprintf(", %d in flight, %d dead, %d muted", q.InFlight, q.Dead, q.Muted)
	if err == nil {
		head += fmt.Sprintf("\n*Mutes*: %d in force", len(active))
	}
	var lines []func() string
	if len(failing) > 0 {
		lines = append(lines, text("*Failing sources*"))
		lines = append(lines, failing...)
	}
	if len(st.LastAlerts) > 0 {
		lines = append(lines, text("*Last alerts*"))
		for _, al := range st.LastAlerts {
			lines = append(lines, func() string { return alertLine(al) })
		}
	} else {
		lines = append(lines, text("No alerts yet."))
	}
	return reply{Text: fit(head, len(lines), func(i int) string { return lines[i]() }, moreLines)}
}

// text is a line made already.
func text(s string) func() string { return func() string { return s } }

func sourceLine(s Source) string {
	l := fmt.Sprintf("• *%s*: %d failed polls", render.EscapeText(s.Name, 80), s.Failures)
	if s.LastSuccess.IsZero() {
		l += ", never polled well"
	} else {
		l += ", last good poll " + when(s.LastSuccess)
	}
	if s.LastError != "" {
		l += ": " + render.EscapeText(s.LastError, maxError)
	}
	return l
}

func alertLine(al AlertLine) string {
	title := render.EscapeText(al.Title, maxTitle)
	if title == "" {
		title = "(no title)"
	}
	rules := make([]string, 0, len(al.Rules))
	for _, r := range al.Rules {
		rules = append(rules, render.EscapeText(r, 80))
	}
	return fmt.Sprintf("• %s · *%s* · %s: %s (%s)", when(al.Queued), render.EscapeText(al.Feed, 80),
		strings.Join(rules, ", "), render.LinkText(al.Link, title), render.EscapeText(string(al.Status), 20))
}

// test carries out "/attache test QUERY" over the items of the last week.
func (a *App) test(ctx context.Context, query string) reply {
	if strings.TrimSpace(query) == "" {
		return reply{Text: "Write a query: `/attache test NATO AND border`."}
	}
	res, err := a.o.Backtester.Backtest(ctx, query, a.o.Now().Add(-testWindow), testFirst)
	shown := "`" + render.EscapeText(query, 300) + "`"
	if errors.Is(err, ErrInvalidQuery) {
		return reply{Text: "The query " + shown + " does not parse: " + render.EscapeText(err.Error(), maxError)}
	}
	if err != nil {
		a.log.Error("slack app: test failed", keyError, a.errText(err))
		return reply{Text: "The test failed; see the daemon's log."}
	}
	head := fmt.Sprintf("%s matches *%d* of the %d items of the last 7 days", shown, res.Matched, res.Searched)
	if res.Matched == 0 {
		return reply{Text: head + "."}
	}
	line := func(i int) string {
		it := res.First[i]
		title := render.EscapeText(it.Title, maxTitle)
		if title == "" {
			title = "(no title)"
		}
		return fmt.Sprintf("• %s · *%s* · %s", when(it.Published), render.EscapeText(it.Feed, 80), render.LinkText(it.Link, title))
	}
	if res.Matched > len(res.First) {
		head += fmt.Sprintf("; the first %d:", len(res.First))
	} else {
		head += ":"
	}
	return reply{Text: fit(head, len(res.First), line, moreLines)}
}

// rules carries out "/attache rules".
func (a *App) rules(ctx context.Context) reply {
	rules, err := a.o.Inspector.Rules(ctx)
	if err != nil {
		a.log.Error("slack app: cannot list rules", keyError, a.errText(err))
		return reply{Text: "The rules could not be read; see the daemon's log."}
	}
	if len(rules) == 0 {
		return reply{Text: "No rules are configured."}
	}
	active, err := a.o.Mutes.ActiveMutes(ctx, a.o.Now())
	if err != nil {
		a.log.Error("slack app: cannot list mutes", keyError, a.errText(err))
	}
	line := func(i int) string {
		r := rules[i]
		l := fmt.Sprintf("• *%s* (%s)", render.EscapeText(r.Name, 80), r.Severity)
		if r.Description != "" {
			l += ": " + render.EscapeText(r.Description, maxDesc)
		}
		if j := slices.IndexFunc(active, func(m attache.Mute) bool { return m.Kind == attache.MuteRule && m.Name == r.Name }); j >= 0 {
			l += " · muted until " + when(active[j].Until)
		}
		return l
	}
	return reply{Text: fit(fmt.Sprintf("*%d rules*", len(rules)), len(rules), line, moreLines)}
}
