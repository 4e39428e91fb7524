package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/console"
	"github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/watcher"
)

// loadConfig reads the configuration, printing every problem as
// FILE:LINE:COL: message. ok is false when the command should exit 2.
func loadConfig(e *env) (*config.Config, bool) {
	cfg, err := config.Load(e.global.config, e.getenv)
	if err != nil {
		var errs *config.Errors
		if errors.As(err, &errs) {
			for _, x := range errs.List {
				fmt.Fprintln(e.stderr, x.Error())
			}
		} else {
			fmt.Fprintf(e.stderr, "attache: %v\n", err)
		}
		return nil, false
	}
	return cfg, true
}

// newLogger builds the logger the global flags ask for, on stderr.
func newLogger(e *env) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.global.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", e.global.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(e.global.logFormat) {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", e.global.logFormat)
}

// setup is what the daemon commands share: configuration, logger, store.
type setup struct {
	cfg   *config.Config
	log   *slog.Logger
	store *sqlite.Store
}

// open loads the configuration and opens the store; the exit status is
// non-zero when the command should stop.
func open(ctx context.Context, e *env) (*setup, int) {
	log, err := newLogger(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "attache: %v\n", err)
		return nil, exitUsage
	}
	cfg, ok := loadConfig(e)
	if !ok {
		return nil, exitUsage
	}
	st, err := sqlite.Open(ctx, cfg.State)
	if err != nil {
		args := []any{"path", cfg.State, "error", err}
		if hint := sqlite.DiskHint(cfg.State); hint != "" {
			args = append(args, "hint", hint)
		}
		log.Error("cannot open the state database", args...)
		return nil, exitFailure
	}
	return &setup{cfg: cfg, log: log, store: st}, exitOK
}

// dispatcher sets up delivery to every configured destination, and queues
// again the alerts a crash left in flight.
func (s *setup) dispatcher(ctx context.Context, e *env, observe func(string, notify.Counts)) (*notify.Dispatcher, int) {
	ns, err := notifiers(s.cfg, e.stdout)
	if err != nil {
		s.log.Error("cannot set up delivery", "error", err)
		return nil, exitUsage
	}
	d, err := notify.NewDispatcher(s.store, ns, notify.Options{Logger: s.log, BurstLimits: burstLimits(s.cfg), Observe: observe})
	if err != nil {
		s.log.Error("cannot set up delivery", "error", err)
		return nil, exitFailure
	}
	if err := d.Start(ctx); err != nil {
		s.log.Error("cannot read the alert queue", "error", err)
		return nil, exitFailure
	}
	return d, exitOK
}

// ruleset gives the watcher the compiled rules and what alerts need.
func ruleset(cfg *config.Config) *watcher.Ruleset {
	return watcher.NewRuleset(cfg.Matcher, cfg.Rules, cfg.Feeds)
}

func newFetcher(cfg *config.Config) *source.Fetcher {
	return source.NewFetcher(source.Options{Timeout: cfg.HTTP.Timeout, MaxBody: cfg.HTTP.MaxBody, UserAgent: cfg.HTTP.UserAgent, DenyPrivate: cfg.HTTP.DenyPrivate})
}

// notifiers builds one notifier per configured destination.
func notifiers(cfg *config.Config, stdout io.Writer) (map[string]notify.Notifier, error) {
	out := map[string]notify.Notifier{}
	for name, d := range cfg.Destinations {
		n, err := newNotifier(d, cfg.Timezone, stdout)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", name, err)
		}
		out[name] = n
	}
	return out, nil
}

// newNotifier builds the notifier of one destination; loc is the zone that
// alerts show publication times in, beside UTC.
func newNotifier(d config.Destination, loc *time.Location, stdout io.Writer) (notify.Notifier, error) {
	switch d.Type {
	case config.TypeConsole:
		return console.New(stdout), nil
	case config.TypeSlack:
		return slack.NewBot(slack.BotOptions{Token: d.Token.Value(), Channel: d.Channel, APIURL: d.APIURL, Location: loc})
	case config.TypeSlackWebhook:
		return slack.NewWebhook(slack.WebhookOptions{URL: d.URL.Value(), Location: loc})
	}
	return nil, fmt.Errorf("unknown destination type %q", d.Type)
}
