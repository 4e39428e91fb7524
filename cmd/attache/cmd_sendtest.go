package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/daemon"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack"
)

var sendTestCommand = &command{
	name:    "send-test",
	args:    "DESTINATION",
	summary: "post a clearly marked test alert to one destination, to prove credentials and channel",
	run:     runSendTest,
}

func runSendTest(ctx context.Context, e *env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(e.stderr, "usage: attache send-test DESTINATION")
		return exitUsage
	}
	cfg, ok := loadConfig(e)
	if !ok {
		return exitUsage
	}
	name := args[0]
	d, ok := cfg.Destinations[name]
	if !ok {
		known := make([]string, 0, len(cfg.Destinations))
		for n := range cfg.Destinations {
			known = append(known, n)
		}
		sort.Strings(known)
		fmt.Fprintf(e.stderr, "attache send-test: no destination %q in %s (have: %s)\n", name, cfg.Path, strings.Join(known, ", "))
		return exitUsage
	}
	n, err := daemon.NewNotifier(d, cfg.Timezone, e.stdout)
	if err != nil {
		fmt.Fprintf(e.stderr, "attache send-test: destination %q: %v\n", name, err)
		return exitUsage
	}
	now := time.Now().UTC()
	alert := attache.Alert{
		ID: "send-test-" + now.Format("20060102T150405Z"), Destination: name, Queued: now,
		Item: attache.Item{
			Feed: "attache", Key: "send-test", Title: "attaché test alert: delivery to " + name + " works",
			Summary: "This is a test alert sent by `attache send-test`. No feed item caused it.",
			Link:    "https://github.com/attache-dev/attache", Published: now,
		},
		Matches: []attache.Match{{Rule: "send-test", Description: "test alert", Severity: attache.SeverityInfo}},
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := n.Send(ctx, alert); err != nil {
		var se *notify.SendError
		if errors.As(err, &se) && !se.Retry {
			fmt.Fprintf(e.stderr, "attache send-test: %s refused the test alert: %v\n", name, err)
			if hint := slack.Hint(se.Code, d.Channel); hint != "" {
				fmt.Fprintf(e.stderr, "  %s\n", hint)
			}
		} else {
			fmt.Fprintf(e.stderr, "attache send-test: could not reach %s (worth trying again): %v\n", name, err)
		}
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "sent a test alert to %s (%s)\n", name, d.Type)
	return exitOK
}
