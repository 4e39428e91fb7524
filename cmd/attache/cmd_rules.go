package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/attache-dev/attache/daemon"
	"github.com/attache-dev/attache/store"
)

// rulesFlags are the options of `attache rules`.
type rulesFlags struct {
	json bool
}

var rulesCommand = &command{
	name:    "rules",
	args:    "stats",
	summary: "each rule's alerts and readers' verdicts (Useful / Not relevant in Slack) over 7 and 30 days, with its precision in use",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.rules.json, "json", false, "print JSON, one object per rule and line")
	},
}

func init() { rulesCommand.run = runRules }

func runRules(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] != "stats" {
		fmt.Fprintln(e.stderr, "attache rules: say stats (attache rules -h)")
		return exitUsage
	}
	fs := commandFlags(rulesCommand, e.opts)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cfg, ok := loadConfig(e)
	if !ok {
		return exitUsage
	}
	stats, err := daemon.RuleStats(ctx, cfg, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "attache rules stats: %v\n", err)
		return exitFailure
	}
	if e.opts.rules.json {
		enc := json.NewEncoder(e.stdout)
		for _, s := range stats {
			p7, ok7 := s.Feedback7.Precision()
			p30, ok30 := s.Feedback30.Precision()
			obj := map[string]any{"rule": s.Rule, "alerts_7d": s.Alerts7, "alerts_30d": s.Alerts30,
				"useful_7d": s.Feedback7.Useful, "not_relevant_7d": s.Feedback7.NotRelevant,
				"useful_30d": s.Feedback30.Useful, "not_relevant_30d": s.Feedback30.NotRelevant}
			if ok7 {
				obj["precision_7d"] = p7
			}
			if ok30 {
				obj["precision_30d"] = p30
			}
			enc.Encode(obj)
		}
		return exitOK
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "RULE\tALERTS 7D\tUSEFUL\tNOT RELEVANT\tPRECISION 7D\tALERTS 30D\tPRECISION 30D")
	for _, s := range stats {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%d\t%s\n", s.Rule, s.Alerts7, s.Feedback7.Useful, s.Feedback7.NotRelevant,
			precision(s.Feedback7), s.Alerts30, precision(s.Feedback30))
	}
	w.Flush()
	return exitOK
}

// precision writes a rule's precision from feedback, or "-" without any.
func precision(c store.FeedbackCount) string {
	p, ok := c.Precision()
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%.2f (%d)", p, c.Useful+c.NotRelevant)
}
