package config

import (
	"errors"
	"github.com/attache-dev/attache"
	"go.yaml.in/yaml/v3"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a duration in Go's syntax (300ms, 1.5h, 2h45m) with
// one more unit, d for a day of 24 hours: 90d, 1d12h, 0.5d. A bare 0 is
// zero; any other number needs a unit. Negative durations are refused:
// nothing in the configuration counts backwards.
func ParseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" || s[0] == '-' || s[0] == '+' {
		return 0, errBadDuration
	}
	var total time.Duration
	for rest := s; rest != ""; {
		num := numberPrefix(rest)
		if num == 0 {
			return 0, errBadDuration
		}
		unit := num
		for unit < len(rest) && !isDigit(rest[unit]) && rest[unit] != '.' {
			unit++
		}
		part, u := rest[:num], rest[num:unit]
		rest = rest[unit:]
		var d time.Duration
		if u == "d" {
			h, err := time.ParseDuration(part + "h")
			if err != nil || h > math.MaxInt64/24 {
				return 0, errBadDuration
			}
			d = h * 24
		} else {
			var err error
			if d, err = time.ParseDuration(part + u); err != nil || u == "" {
				return 0, errBadDuration
			}
		}
		if total > math.MaxInt64-d {
			return 0, errBadDuration
		}
		total += d
	}
	return total, nil
}

var errBadDuration = errors.New("use Go's syntax with d for days, such as 90d, 1d12h, 30m or 45s")

// numberPrefix returns the length of the decimal number (digits with at
// most one '.') at the start of s.
func numberPrefix(s string) int {
	i, dot := 0, false
	for i < len(s) && (isDigit(s[i]) || (s[i] == '.' && !dot)) {
		dot = dot || s[i] == '.'
		i++
	}
	if i == 1 && s[0] == '.' {
		return 0
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sizeUnits are the suffixes ParseSize knows: binary ones (KiB = 1024) and,
// because people write them meaning much the same, decimal ones (KB = 1000).
var sizeUnits = map[string]float64{
	"": 1, "B": 1,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
	"KB": 1e3, "MB": 1e6, "GB": 1e9,
}

// ParseSize reads a number of bytes: plain (1048576), or with a binary
// suffix KiB, MiB, GiB (powers of 1024) or a decimal one KB, MB, GB (powers
// of 1000). A space may separate the number from its unit; a fraction is
// allowed (1.5MiB) and rounded down to whole bytes. Units are matched
// exactly, so "10mb" (millibits?) is refused rather than guessed.
func ParseSize(s string) (int64, error) {
	num := numberPrefix(s)
	if num == 0 {
		return 0, errBadSize
	}
	mult, ok := sizeUnits[strings.TrimSpace(s[num:])]
	if !ok {
		return 0, errBadSize
	}
	f, err := strconv.ParseFloat(s[:num], 64)
	if err != nil {
		return 0, errBadSize
	}
	if v := f * mult; v < math.MaxInt64 {
		return int64(v), nil
	}
	return 0, errBadSize
}

var errBadSize = errors.New("use a number of bytes with KiB, MiB or GiB (or KB, MB, GB), such as 10MiB")

// count reads key of m as a whole number, 1 or more, into dst.
func (l *loader) count(path string, m map[string]field, key string, dst *int) {
	v, vn, ok := l.str(path, m, key)
	if !ok {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		l.errorAt(vn, join(path, key), "want a whole number, 1 or more, such as 200")
		return
	}
	*dst = n
}

// adaptive reads min_interval, max_interval and budget ("144/day", or a
// number of requests a day) into spec, checks them together, and reports
// whether any was given.
func (l *loader) adaptive(path string, m map[string]field, spec *attache.AdaptiveSpec) bool {
	_, a := m["min_interval"]
	_, b := m["max_interval"]
	_, c := m["budget"]
	l.duration(path, m, "min_interval", &spec.MinInterval, false)
	l.duration(path, m, "max_interval", &spec.MaxInterval, false)
	if v, vn, ok := l.str(path, m, "budget"); ok {
		n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "/day")), 64)
		if err != nil || n <= 0 {
			l.errorAt(vn, join(path, "budget"), "want requests a day, such as 144/day")
		} else {
			spec.Budget = n
		}
	}
	lo, hi, budget := spec.MinInterval, spec.MaxInterval, spec.Budget
	if lo == 0 {
		lo = attache.DefaultMinInterval
	}
	if hi == 0 {
		hi = attache.DefaultMaxInterval
	}
	if budget == 0 {
		budget = attache.DefaultBudget
	}
	at := func(key string) *yaml.Node {
		if f, ok := m[key]; ok {
			return f.val
		}
		return nil
	}
	switch {
	case a && lo < time.Second:
		l.errorAt(at("min_interval"), join(path, "min_interval"), "must be 1s or more")
	case (a || b) && hi < lo:
		n := at("max_interval")
		if n == nil {
			n = at("min_interval")
		}
		l.errorAt(n, join(path, "max_interval"), "%v is below min_interval %v", hi, lo)
	case (b || c) && budget*float64(hi) < float64(24*time.Hour)-0.5:
		n := at("budget")
		if n == nil {
			n = at("max_interval")
		}
		l.errorAt(n, join(path, "budget"), "%g/day cannot poll even every max_interval %v: that needs %.0f/day", budget, hi, float64(24*time.Hour)/float64(hi))
	}
	return a || b || c
}
