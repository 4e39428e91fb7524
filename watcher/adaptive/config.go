// Package adaptive schedules the polls of one source from its own publishing
// pattern: an hour-of-week profile learned from its items (in the source's
// time zone, with decay), its recent rate, and the bursts in which statements
// come. Polls are spent where publication is likely, within a request budget
// and between a shortest and a longest interval, with jitter; errors back off
// and server hints are floors that are never ignored.
//
// A Schedule is pure: it is told what happened (Observe) and asked when to
// poll next (Next), both with a clock passed in, and given the same seed and
// the same observations it answers the same. Its State serialises to JSON so
// that the store can keep it across restarts.
package adaptive

import (
	"errors"
	"fmt"
	"github.com/attache-dev/attache"
	"time"
)

// Defaults for a Config's zero fields.
const (
	DefaultMinInterval = attache.DefaultMinInterval
	DefaultMaxInterval = attache.DefaultMaxInterval
	DefaultBudget      = attache.DefaultBudget
	DefaultJitter      = 0.1
	DefaultMemory      = 28 * 24 * time.Hour
	DefaultRecent      = 3 * 24 * time.Hour
	DefaultBurst       = 10 * time.Minute
	DefaultHintCeiling = 24 * time.Hour
)

// Config bounds one source's schedule. Zero fields take the defaults.
type Config struct {
	// MinInterval and MaxInterval bound the time between two requests,
	// except that error backoff, server hints and the budget may push the
	// next request later than MaxInterval.
	MinInterval time.Duration
	MaxInterval time.Duration
	// Budget is requests per day, on average. Quiet days leave requests for
	// busy ones: at most two days' worth are saved.
	Budget float64
	// Location is the source's time zone, in which its hour-of-week profile
	// is kept, so that office hours stay office hours across DST. UTC when
	// nil.
	Location *time.Location
	// Jitter spreads each interval by up to ± this fraction, so that sources
	// with the same pattern do not all call at once.
	Jitter float64
	// Memory is the half-life of the profile: what a source did this many
	// days ago weighs half of what it does today.
	Memory time.Duration
	// Recent is the half-life of the recent rate.
	Recent time.Duration
	// Burst is how long the effect of a new item lasts (the time constant
	// of its decay): a source that just published is polled sooner.
	Burst time.Duration
	// HintCeiling bounds the hints that describe how often content changes
	// (max-age, Expires, ttl, sy:updatePeriod); Retry-After is not bounded
	// by it. See hints.Hints.Floor.
	HintCeiling time.Duration
	// Seed makes the jitter reproducible; derive it from the source's name.
	Seed uint64
}

// WithDefaults fills the zero fields.
func (c Config) WithDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.MinInterval, DefaultMinInterval)
	def(&c.MaxInterval, DefaultMaxInterval)
	def(&c.Memory, DefaultMemory)
	def(&c.Recent, DefaultRecent)
	def(&c.Burst, DefaultBurst)
	def(&c.HintCeiling, DefaultHintCeiling)
	if c.Budget == 0 {
		c.Budget = DefaultBudget
	}
	if c.Jitter == 0 {
		c.Jitter = DefaultJitter
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	return c
}

// ErrConfig is wrapped by every error of Validate.
var ErrConfig = errors.New("invalid adaptive schedule")

// Validate reports a configuration that cannot be kept, once defaults are
// filled: bounds out of order, or a budget too small to poll even every
// MaxInterval.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.MinInterval < time.Second:
		return fmt.Errorf("min_interval %v: below 1s: %w", c.MinInterval, ErrConfig)
	case c.MaxInterval < c.MinInterval:
		return fmt.Errorf("max_interval %v: below min_interval %v: %w", c.MaxInterval, c.MinInterval, ErrConfig)
	case c.Budget < 0:
		return fmt.Errorf("budget %g/day: negative: %w", c.Budget, ErrConfig)
	case c.Budget*float64(c.MaxInterval) < float64(24*time.Hour)-0.5:
		need := float64(24*time.Hour) / float64(c.MaxInterval)
		return fmt.Errorf("budget %g/day: polling every max_interval %v needs %.0f/day: %w", c.Budget, c.MaxInterval, need, ErrConfig)
	case c.Jitter < 0 || c.Jitter > 0.5:
		return fmt.Errorf("jitter %g: outside [0, 0.5]: %w", c.Jitter, ErrConfig)
	case c.Memory <= 0 || c.Recent <= 0 || c.Burst <= 0:
		return fmt.Errorf("memory, recent and burst must be positive: %w", ErrConfig)
	}
	return nil
}
