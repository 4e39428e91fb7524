package jsonapi

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/attache-dev/attache/source/scrape"
)

// parseDate reads an entry's date: a number is a Unix time (seconds, or
// milliseconds when it is too large to be seconds of this era), a string
// is read with the layout when one is set, else as RFC 3339, RFC 1123 and
// its kin, or any of the forms that list pages use (scrape.ParseDate). ok
// is false when no date is found.
func parseDate(v any, layout string) (time.Time, bool) {
	switch x := v.(type) {
	case json.Number:
		return unixNumber(x.String(), layout)
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return time.Time{}, false
		}
		if layout == "unix" || layout == "unix_ms" {
			return unixNumber(s, layout)
		}
		if layout != "" {
			return scrape.ParseDate(s, layout)
		}
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true
			}
		}
		return scrape.ParseDate(s, "")
	}
	return time.Time{}, false
}

// layouts are tried in order before the looser forms of scrape.ParseDate,
// which would read a date but drop its zone.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700", // +0300 without the colon
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, time.RubyDate,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2006-01-02T15:04:05.999999999", // no zone: UTC
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
}

// unixNumber reads seconds (or, by size or by layout, milliseconds) since
// 1970, with an optional fraction. The digits are read exactly: a float
// would turn 1730557800000.5 ms into a time some nanoseconds off.
func unixNumber(s, layout string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || strings.ContainsAny(frac, "eE+-") {
		return unixFloat(s, layout)
	}
	if n <= 0 {
		return time.Time{}, false
	}
	ms := layout == "unix_ms" || (layout != "unix" && n >= 1e11) // 1e11 s is the year 5138
	unit := int64(time.Second)
	if ms {
		unit = int64(time.Millisecond)
	}
	if n >= maxUnixSeconds*int64(time.Second)/unit {
		return time.Time{}, false
	}
	var nanos int64 // the fraction, in nanoseconds
	scale := unit / 10
	for _, r := range frac {
		if r < '0' || r > '9' {
			return time.Time{}, false
		}
		nanos += int64(r-'0') * scale
		scale /= 10
	}
	return time.Unix(0, 0).Add(time.Duration(n*unit + nanos)).UTC(), true
}

// maxUnixSeconds bounds what a number may be: time.Duration holds some
// 292 years past 1970.
const maxUnixSeconds = int64(1<<63-1) / int64(time.Second)

// unixFloat reads a number in exponent notation, which JSON allows.
func unixFloat(s, layout string) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return time.Time{}, false
	}
	if layout == "unix_ms" || (layout != "unix" && f >= 1e11) {
		f /= 1000
	}
	if f >= float64(maxUnixSeconds) {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}
