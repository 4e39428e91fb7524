package attache

import "time"

// Defaults for what the configuration leaves out. Every package that needs
// one takes it from here.
const (
	// DefaultState is the state file, beside the configuration.
	DefaultState = "attache.db"
	// DefaultSchedule is the cron spec of feeds without their own.
	DefaultSchedule = "@every 10m"
	// DefaultRetention is how long seen-item records and item text are kept.
	DefaultRetention = 90 * 24 * time.Hour
	// DefaultLeaseTTL is how long a replica's leases last without renewal:
	// a replica killed with kill -9 loses its feeds and destinations to the
	// others this long after its last renewal.
	DefaultLeaseTTL = 30 * time.Second
	// DefaultStaleAfter is how long a feed may fail before a health alert.
	DefaultStaleAfter = 24 * time.Hour
	// DefaultTimeout bounds one fetch: connecting, redirects, headers, body.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBody is the most bytes a fetched body may have, counted
	// after decompression.
	DefaultMaxBody = 10 << 20
	// DefaultMaxText is the most bytes of text kept and analysed per field
	// of an item (title, summary, content): a 10 MB statement is cut, not
	// analysed whole, which bounds the daemon's memory.
	DefaultMaxText = 256 << 10
	// DefaultLang is the stemming language of feeds without their own.
	DefaultLang = "en"
	// DefaultBurstLimit is the number of alerts due at once for one
	// destination above which summaries are sent instead.
	DefaultBurstLimit = 20
	// DefaultMaxNewItems is how many new items one poll of a feed that
	// already has a baseline may bring before they are taken for a change
	// of identifiers and recorded without alerts (the flood guard).
	DefaultMaxNewItems = 200
	// DefaultMinInterval, DefaultMaxInterval and DefaultBudget bound an
	// adaptive schedule whose configuration leaves them out; the budget is
	// requests a day, what "@every 10m" spends.
	DefaultMinInterval = time.Minute
	DefaultMaxInterval = 30 * time.Minute
	DefaultBudget      = 144
	// DefaultSeverity is the severity of rules without their own.
	DefaultSeverity = SeverityWarning
	// DefaultUserAgent is the User-Agent of fetches when none is set.
	DefaultUserAgent = "attache (+https://github.com/attache-dev/attache)"
)
