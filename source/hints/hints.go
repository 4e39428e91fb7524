// Package hints reads what a server or a feed says about when it should next
// be asked: Retry-After, Cache-Control max-age (with Age), Expires, RSS <ttl>
// and the syndication module's sy:updatePeriod and sy:updateFrequency.
//
// Every function is pure: header values and feed fields in, durations out.
// A schedule takes the result as a floor under its next interval, never as a
// suggestion it may ignore.
package hints

import (
	"net/http"
	"time"
)

// Hints are the floors one answer set on the next request to its source.
// A zero field says the answer set no such floor.
type Hints struct {
	// RetryAfter is how long the server asked to be left alone (usually
	// with a 429 or a 503).
	RetryAfter time.Duration
	// Fresh is how long the answer stays fresh by its caching headers:
	// Cache-Control max-age less Age, else Expires less Date. Zero when the
	// answer said no-cache or no-store, or said nothing.
	Fresh time.Duration
	// TTL is the feed's RSS <ttl>.
	TTL time.Duration
	// UpdatePeriod is sy:updatePeriod divided by sy:updateFrequency.
	UpdatePeriod time.Duration
}

// Kind names the hint that set a floor, for logs and the status page.
type Kind string

// The hints a floor may come from.
const (
	KindNone         Kind = ""
	KindRetryAfter   Kind = "retry-after"
	KindFresh        Kind = "cache"
	KindTTL          Kind = "ttl"
	KindUpdatePeriod Kind = "sy:updatePeriod"
)

// MaxRetryAfter bounds a Retry-After, so that a broken header cannot stop a
// source for years; a week is longer than any server means.
const MaxRetryAfter = 7 * 24 * time.Hour

// Floor is the least wait before the next request and the hint that set it.
// Retry-After is honoured up to MaxRetryAfter. The other hints describe how
// often content changes, and are honoured up to ceiling: a feed that sends
// max-age of a year by mistake is still read daily with a ceiling of a day.
// A ceiling of zero or less leaves them unbounded.
func (h Hints) Floor(ceiling time.Duration) (time.Duration, Kind) {
	best, kind := time.Duration(0), KindNone
	soft := func(d time.Duration, k Kind) {
		if ceiling > 0 {
			d = min(d, ceiling)
		}
		if d > best {
			best, kind = d, k
		}
	}
	soft(h.Fresh, KindFresh)
	soft(h.TTL, KindTTL)
	soft(h.UpdatePeriod, KindUpdatePeriod)
	if ra := min(h.RetryAfter, MaxRetryAfter); ra > 0 && ra >= best {
		best, kind = ra, KindRetryAfter
	}
	return best, kind
}

// Merge takes the feed's own fields into hints read from headers.
func (h Hints) Merge(f FeedFields) Hints {
	h.TTL, h.UpdatePeriod = f.TTL, f.UpdatePeriod
	return h
}

// FromHeader reads the HTTP hints of an answer (a 200, a 304 or an error):
// Retry-After, and freshness from Cache-Control, Age, Expires and Date.
// now is the local clock, used only when the server sent no Date.
func FromHeader(h http.Header, now time.Time) Hints {
	var out Hints
	date := h.Get("Date")
	if d, ok := ParseRetryAfter(h.Get("Retry-After"), date, now); ok {
		out.RetryAfter = d
	}
	out.Fresh = Freshness(h.Values("Cache-Control"), h.Get("Age"), h.Get("Expires"), date, now)
	return out
}

// Freshness is how long an answer stays fresh (RFC 9111 §4.2): max-age less
// Age when Cache-Control gives max-age, else Expires less Date; zero when
// no-cache or no-store forbid reusing it unchecked, or when it says nothing.
// s-maxage is for shared caches and does not bind a client.
func Freshness(cacheControl []string, age, expires, date string, now time.Time) time.Duration {
	cc := ParseCacheControl(cacheControl...)
	if cc.NoCache || cc.NoStore {
		return 0
	}
	var fresh time.Duration
	switch {
	case cc.HasMaxAge:
		fresh = cc.MaxAge
	case expires != "":
		fresh = ParseExpires(expires, date, now)
	default:
		return 0
	}
	if a, ok := parseSeconds(age); ok {
		fresh -= a
	}
	return max(fresh, 0)
}

// ParseExpires is how long after the answer's Date (or now, without one)
// its Expires lies; zero for a date in the past or one that does not parse,
// which RFC 9111 §5.3 says means "already expired".
func ParseExpires(expires, date string, now time.Time) time.Duration {
	at, err := http.ParseTime(expires)
	if err != nil {
		return 0
	}
	if d, err := http.ParseTime(date); err == nil {
		now = d
	}
	return max(at.Sub(now), 0)
}

// ParseRetryAfter reads a Retry-After value: delay-seconds, or an HTTP date
// taken relative to the answer's Date (the server's clock, not ours) when it
// has one. ok is false for an absent, malformed or past value.
func ParseRetryAfter(v, date string, now time.Time) (d time.Duration, ok bool) {
	if s, ok := parseSeconds(v); ok {
		return s, s > 0
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if t, err := http.ParseTime(date); err == nil {
		now = t
	}
	if d = at.Sub(now); d <= 0 {
		return 0, false
	}
	return d, true
}
