package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/retry"
)

// Options tune a Dispatcher. The zero value of every field means its
// default.
type Options struct {
	// Now is the clock; time.Now by default. Waits (pacing, Run's sleep)
	// use the time package's timers, so a test that needs them to agree
	// with Now runs in a testing/synctest bubble.
	Now func() time.Time
	// Logger receives delivery failures and dead alerts; nothing is logged
	// when it is nil.
	Logger *slog.Logger

	// Backoff spaces the retries of one alert; DefaultBackoff when zero.
	Backoff Backoff
	// MaxAge is how long after it was queued an alert is still worth
	// retrying: a transient failure of an older alert makes it dead
	// ("gave up after N attempts ..."). It also bounds how long alerts for
	// a destination that is no longer configured wait to be sent. 24 hours
	// by default: an alert a day late is no longer news.
	MaxAge time.Duration

	// Rate is how many messages per second a destination receives at most,
	// and Burst how many may go at once after a quiet spell; 1 and 3 by
	// default (Slack allows about one message per second per channel).
	Rate  float64
	Burst int

	// BurstLimits are, per destination, how many due alerts are sent one
	// message each; more than that at once go out as summaries (see
	// Summarizer). attache.DefaultBurstLimit for a destination not named here.
	BurstLimits map[string]int

	// Observe, when set, is told what each send did, for metrics.
	Observe func(dest string, c Counts)
	// Mutes, when set, gives the mutes active at now; the alerts they
	// silence are recorded as muted and never sent (attache.Muted).
	Mutes func(ctx context.Context, now time.Time) ([]attache.Mute, error)
	// Delivered, when set, is told of each alert a send delivered and
	// when, for the time to alert. (An alert found at its destination after
	// a send of unknown outcome is not told: when it arrived is not known.)
	Delivered func(a attache.Alert, at time.Time)

	// Concurrency bounds how many destinations are served at once; 8 by
	// default. Destinations beyond it wait for a free slot, not for a
	// particular destination.
	Concurrency int
	// SendTimeout bounds one Send; 30 seconds by default.
	SendTimeout time.Duration
	// PollInterval is how often Run looks at the queue when nothing wakes
	// it sooner, for alerts that fell due without its knowing (retries set
	// by an earlier process); 5 seconds by default.
	PollInterval time.Duration
}

// Backoff is the capped exponential schedule of retries (see
// retry.Backoff): the first retry waits Base, each further one twice as
// long, never more than Max, each shortened at random by up to Jitter.
type Backoff = retry.Backoff

// DefaultBackoff retries after 2s, 4s, 8s ... up to 10 minutes, each wait
// shortened by up to 20%.
func DefaultBackoff() Backoff {
	return Backoff{Base: 2 * time.Second, Max: 10 * time.Minute, Jitter: 0.2}
}

// Defaults of Options.
const (
	defaultMaxAge       = 24 * time.Hour
	defaultRate         = 1
	defaultBurst        = 3
	defaultConcurrency  = 8
	defaultSendTimeout  = 30 * time.Second
	defaultPollInterval = 5 * time.Second
)

// withDefaults fills the zero fields of o and checks the others.
func (o Options) withDefaults() (Options, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Backoff == (Backoff{}) {
		o.Backoff = DefaultBackoff()
	}
	setDefault(&o.MaxAge, defaultMaxAge)
	setDefault(&o.Rate, defaultRate)
	setDefault(&o.Burst, defaultBurst)
	setDefault(&o.Concurrency, defaultConcurrency)
	setDefault(&o.SendTimeout, defaultSendTimeout)
	setDefault(&o.PollInterval, defaultPollInterval)

	var errs []error
	b := o.Backoff
	if b.Base <= 0 || b.Max < b.Base {
		errs = append(errs, fmt.Errorf("backoff: base %v and max %v, want 0 < base <= max", b.Base, b.Max))
	}
	if b.Jitter < 0 || b.Jitter >= 1 {
		errs = append(errs, fmt.Errorf("backoff: jitter %v, want at least 0 and less than 1", b.Jitter))
	}
	for _, f := range []struct {
		name string
		bad  bool
		val  any
	}{
		{"max age", o.MaxAge < 0, o.MaxAge},
		{"rate", o.Rate < 0, o.Rate},
		{"burst", o.Burst < 0, o.Burst},
		{"concurrency", o.Concurrency < 0, o.Concurrency},
		{"send timeout", o.SendTimeout < 0, o.SendTimeout},
		{"poll interval", o.PollInterval < 0, o.PollInterval},
	} {
		if f.bad {
			errs = append(errs, fmt.Errorf("%s: %v, want more than 0", f.name, f.val))
		}
	}
	return o, errors.Join(errs...)
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
