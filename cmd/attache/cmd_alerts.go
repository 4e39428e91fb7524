package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/daemon"
	"github.com/attache-dev/attache/notify/console"
)

// alertsFlags are the options of `attache alerts`.
type alertsFlags struct {
	status, rule, feed, destination string
	since                           time.Duration
	limit                           int
	json, dead                      bool
}

var alertsCommand = &command{
	name:    "alerts",
	args:    "list | show ID | requeue ID... | requeue --dead",
	summary: "the alerts in the state: list them, show one, put dead ones back in the queue (beside a running daemon)",
	flags: func(fs *flag.FlagSet, o *options) {
		a := &o.alerts
		fs.StringVar(&a.status, "status", "", "only alerts in this `status`: "+statusNames())
		fs.StringVar(&a.rule, "rule", "", "only alerts of this `rule`")
		fs.StringVar(&a.feed, "feed", "", "only alerts of this `feed`")
		fs.StringVar(&a.destination, "destination", "", "only alerts to this `destination`")
		fs.DurationVar(&a.since, "since", 0, "only alerts queued within this `duration`, such as 24h")
		fs.IntVar(&a.limit, "limit", 50, "list at most this many alerts, newest first")
		fs.BoolVar(&a.json, "json", false, "print JSON, one object per line")
		fs.BoolVar(&a.dead, "dead", false, "requeue: every dead alert that passes the filters")
	},
}

func init() { alertsCommand.run = runAlerts } // runAlerts parses the flags after the subcommand with alertsCommand's

func statusNames() string {
	names := make([]string, len(attache.AlertStatuses))
	for i, s := range attache.AlertStatuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func runAlerts(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "attache alerts: say list, show ID or requeue ID... (attache alerts -h)")
		return exitUsage
	}
	sub := args[0]
	fs := commandFlags(alertsCommand, e.opts)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	o := e.opts.alerts
	f := daemon.AlertFilter{Rule: o.rule, Feed: o.feed, Destination: o.destination}
	if o.status != "" {
		f.Status = attache.AlertStatus(o.status)
		if !knownStatus(f.Status) {
			fmt.Fprintf(e.stderr, "attache alerts: unknown status %q: use %s\n", o.status, statusNames())
			return exitUsage
		}
	}
	if o.since > 0 {
		f.Since = time.Now().Add(-o.since)
	}
	cfg, ok := loadConfig(e)
	if !ok {
		return exitUsage
	}
	rest := fs.Args()
	switch sub {
	case "list":
		alerts, err := daemon.ListAlerts(ctx, cfg, f, max(o.limit, 1))
		if err != nil {
			return alertsFailed(e, err)
		}
		printAlerts(e.stdout, alerts, o.json)
		return exitOK
	case "show":
		if len(rest) != 1 {
			fmt.Fprintln(e.stderr, "attache alerts show: give one alert ID (or the start of one)")
			return exitUsage
		}
		a, err := daemon.FindAlert(ctx, cfg, rest[0])
		if err != nil {
			return alertsFailed(e, err)
		}
		showAlert(e.stdout, a, o.json)
		return exitOK
	case "requeue":
		ids := rest
		if o.dead {
			if len(ids) > 0 {
				fmt.Fprintln(e.stderr, "attache alerts requeue: give IDs or --dead, not both")
				return exitUsage
			}
			f.Status = attache.AlertDead
			dead, err := daemon.ListAlerts(ctx, cfg, f, 1<<30)
			if err != nil {
				return alertsFailed(e, err)
			}
			for _, a := range dead {
				ids = append(ids, a.ID)
			}
		} else if len(ids) == 0 {
			fmt.Fprintln(e.stderr, "attache alerts requeue: give alert IDs, or --dead for every dead alert that passes the filters")
			return exitUsage
		}
		done, err := daemon.RequeueAlerts(ctx, cfg, ids)
		for _, a := range done {
			fmt.Fprintf(e.stdout, "requeued %s to %s: %s\n", a.ID, a.Destination, a.Item.Title)
		}
		if err != nil {
			return alertsFailed(e, err)
		}
		fmt.Fprintf(e.stdout, "%d alerts requeued; a running attache sends them within seconds, or the next attache once does\n", len(done))
		return exitOK
	}
	fmt.Fprintf(e.stderr, "attache alerts: unknown subcommand %q: use list, show or requeue\n", sub)
	return exitUsage
}

func knownStatus(s attache.AlertStatus) bool {
	for _, k := range attache.AlertStatuses {
		if s == k {
			return true
		}
	}
	return false
}

func alertsFailed(e *env, err error) int {
	fmt.Fprintf(e.stderr, "attache alerts: %v\n", err)
	return exitFailure
}

// alertJSON is an alert as `attache alerts --json` prints it.
type alertJSON struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Destination string     `json:"destination"`
	Feed        string     `json:"feed"`
	Rules       []string   `json:"rules"`
	Severity    string     `json:"severity"`
	Title       string     `json:"title"`
	Link        string     `json:"link,omitempty"`
	Queued      time.Time  `json:"queued"`
	Attempts    int        `json:"attempts"`
	NextAttempt *time.Time `json:"next_attempt,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	Delivered   *time.Time `json:"delivered,omitempty"`
	Message     string     `json:"message,omitempty"`
}

func toJSON(a attache.Alert) alertJSON {
	j := alertJSON{ID: a.ID, Status: string(a.Status), Destination: a.Destination, Feed: a.Item.Feed,
		Rules: rulesOf(a), Severity: a.Severity().String(), Title: a.Item.Title, Link: a.Item.Link,
		Queued: a.Queued, Attempts: a.Attempts, LastError: a.LastError}
	if a.Status == attache.AlertQueued {
		j.NextAttempt = &a.NextAttempt
	}
	if !a.Delivered.IsZero() {
		j.Delivered = &a.Delivered
	}
	return j
}

func rulesOf(a attache.Alert) []string {
	rules := make([]string, len(a.Matches))
	for i, m := range a.Matches {
		rules[i] = m.Rule
	}
	return rules
}

func printAlerts(w io.Writer, alerts []attache.Alert, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, a := range alerts {
			enc.Encode(toJSON(a))
		}
		return
	}
	if len(alerts) == 0 {
		fmt.Fprintln(w, "no alerts")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tQUEUED\tDESTINATION\tFEED\tRULES\tTITLE")
	for _, a := range alerts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", short(a.ID), a.Status, a.Queued.Local().Format("2006-01-02 15:04"),
			a.Destination, a.Item.Feed, strings.Join(rulesOf(a), ","), cut(a.Item.Title, 70))
	}
	tw.Flush()
}

func showAlert(w io.Writer, a attache.Alert, asJSON bool) {
	if asJSON {
		j := toJSON(a)
		j.Message = console.Line(a)
		json.NewEncoder(w).Encode(j)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, v)
		}
	}
	row("id", a.ID)
	row("status", string(a.Status))
	row("destination", a.Destination)
	row("feed", a.Item.Feed)
	row("rules", strings.Join(rulesOf(a), ", "))
	row("severity", a.Severity().String())
	row("title", a.Item.Title)
	row("link", a.Item.Link)
	row("queued", a.Queued.Local().Format(time.RFC3339))
	row("attempts", fmt.Sprint(a.Attempts))
	if a.Status == attache.AlertQueued {
		row("next attempt", a.NextAttempt.Local().Format(time.RFC3339))
	}
	if !a.Delivered.IsZero() {
		row("delivered", a.Delivered.Local().Format(time.RFC3339))
	}
	row("last error", a.LastError)
	tw.Flush()
	fmt.Fprintf(w, "\nmessage:\n%s\n", console.Line(a))
	if a.Status == attache.AlertDead {
		fmt.Fprintf(w, "\nOnce the cause is fixed: attache alerts requeue %s\n", short(a.ID))
	}
}

// short is the start of an id that `show` and `requeue` accept.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
