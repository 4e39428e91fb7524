package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/console"
	"github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/store/postgres"
	"github.com/attache-dev/attache/store/sqlite"
	"github.com/attache-dev/attache/watcher"
)

// ErrConfig marks the failures that the configuration causes rather than
// the world: a destination or a schedule that cannot be set up. The
// command exits 2 on them, and 1 on any other failure.
var ErrConfig = errors.New("configuration cannot be used")

// configErr wraps err as a failure of the configuration.
func configErr(err error) error { return fmt.Errorf("%w: %w", ErrConfig, err) }

// Options are what the daemon's commands share besides the configuration.
type Options struct {
	// ConfigPath and Getenv are read again on a reload.
	ConfigPath string
	Getenv     func(string) (string, bool)
	Logger     *slog.Logger
	// Stdout is where console destinations print.
	Stdout io.Writer
	// Listen, when set, is the address of /metrics, /healthz, /readyz and
	// the status page (run only).
	Listen string
	// ShutdownTimeout bounds how long the polls and sends in flight may
	// take to finish on shutdown (run only); 10s when zero.
	ShutdownTimeout time.Duration
	// Reload delivers the requests to read the configuration again, such
	// as SIGHUP (run only); may be nil.
	Reload <-chan os.Signal
	// Wait bounds how long `once` waits through transient delivery
	// failures for the alerts left; DefaultWait when zero.
	Wait time.Duration
	// Version and Commit identify the binary in the metrics.
	Version, Commit string
}

// OpenStore opens the state the configuration names, logging why it
// cannot be opened, with what the file system says when it says anything.
func OpenStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (store.Store, error) {
	if config.IsPostgres(cfg.State) {
		st, err := postgres.Open(ctx, cfg.State)
		if err != nil {
			// The store's errors name the server without its password.
			log.Error("cannot open the state database", "state", config.StateLabel(cfg.State), "error", err)
			return nil, err
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, cfg.State)
	if errors.Is(err, store.ErrInUse) {
		// Said as it is: "state attache.db is in use by another attache (pid N)".
		log.Error(err.Error())
		return nil, err
	}
	if err != nil {
		args := []any{"path", cfg.State, "error", err}
		if hint := sqlite.DiskHint(cfg.State); hint != "" {
			args = append(args, "hint", hint)
		} else if strings.Contains(err.Error(), "malformed") {
			args = append(args, "hint", "the state file is damaged: restore it from a backup, or move it aside to start afresh (every feed's first poll then records without alerting)")
		}
		log.Error("cannot open the state database", args...)
		return nil, err
	}
	if st.Created {
		log.Info("new, empty state: every feed's first poll records what it holds without alerting", "state", cfg.State)
	}
	return st, nil
}

// dispatcher sets up delivery to every configured destination, and queues
// again the alerts a stop left in flight.
func dispatcher(ctx context.Context, cfg *config.Config, queue notify.Queue, mutes func(context.Context, time.Time) ([]attache.Mute, error),
	opts Options, observe func(string, notify.Counts), delivered func(attache.Alert, time.Time)) (*notify.Dispatcher, error) {
	var look time.Duration // the dispatcher's default
	if _, leased := queue.(*postgres.Dispatch); leased {
		// A replica looks for destinations to take over at least every
		// third of a lease, so that a dead replica's destinations move
		// within a lease and a third of its last renewal.
		look = min(5*time.Second, cfg.LeaseTTL/3)
	}
	ns, err := Notifiers(cfg, opts.Stdout)
	if err != nil {
		opts.Logger.Error("cannot set up delivery", "error", err)
		return nil, configErr(err)
	}
	d, err := notify.NewDispatcher(queue, ns, notify.Options{Logger: opts.Logger, BurstLimits: burstLimits(cfg), Observe: observe, Delivered: delivered, PollInterval: look,
		Mutes: mutes})
	if err != nil {
		opts.Logger.Error("cannot set up delivery", "error", err)
		return nil, err
	}
	if err := d.Start(ctx); err != nil {
		opts.Logger.Error("cannot read the alert queue", "error", err)
		return nil, err
	}
	return d, nil
}

// destinationNames lists the configured destinations.
func destinationNames(cfg *config.Config) []string {
	names := make([]string, 0, len(cfg.Destinations))
	for name := range cfg.Destinations {
		names = append(names, name)
	}
	return names
}

// Ruleset gives the watcher the compiled rules, what alerts need of each,
// and the feeds' tags.
func Ruleset(cfg *config.Config) *watcher.Ruleset {
	return watcher.NewRuleset(cfg.Matcher, cfg.Rules, cfg.Feeds)
}

// NewFetcher builds the one HTTP client of sources, with the configured
// limits.
func NewFetcher(cfg *config.Config) *source.Fetcher {
	return source.NewFetcher(source.Options{Timeout: cfg.HTTP.Timeout, MaxBody: cfg.HTTP.MaxBody, MaxText: cfg.HTTP.MaxText, UserAgent: cfg.HTTP.UserAgent, DenyPrivate: cfg.HTTP.DenyPrivate})
}

// Notifiers builds one notifier per configured destination.
func Notifiers(cfg *config.Config, stdout io.Writer) (map[string]notify.Notifier, error) {
	out := map[string]notify.Notifier{}
	for name, d := range cfg.Destinations {
		n, err := NewNotifier(d, cfg.Timezone, stdout)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", name, err)
		}
		out[name] = n
	}
	return out, nil
}

// NewNotifier builds the notifier of one destination; loc is the zone that
// alerts show publication times in, beside UTC.
func NewNotifier(d config.Destination, loc *time.Location, stdout io.Writer) (notify.Notifier, error) {
	switch d.Type {
	case config.TypeConsole:
		return console.New(stdout), nil
	case config.TypeSlack:
		return slack.NewBot(slack.BotOptions{Token: d.Token.Value(), Channel: d.Channel, APIURL: d.APIURL, Location: loc,
			Actions: d.AppToken.Value() != "", StoryReplies: d.StoryReplies})
	case config.TypeSlackWebhook:
		return slack.NewWebhook(slack.WebhookOptions{URL: d.URL.Value(), Location: loc})
	}
	return nil, fmt.Errorf("unknown destination type %q", d.Type)
}

// burstLimits are the configured destinations' burst limits.
func burstLimits(cfg *config.Config) map[string]int {
	limits := map[string]int{}
	for name, dest := range cfg.Destinations {
		limits[name] = dest.BurstLimit
	}
	return limits
}
