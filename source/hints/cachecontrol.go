package hints

import (
	"strconv"
	"strings"
	"time"
)

// CacheControl is what a client needs of a Cache-Control header.
type CacheControl struct {
	// MaxAge is the max-age directive; HasMaxAge says one was given (a
	// max-age of 0 is a real instruction: stale at once).
	MaxAge    time.Duration
	HasMaxAge bool
	// NoCache says the answer must be revalidated before any reuse; a
	// no-cache that names header fields only restricts those fields and
	// does not count. NoStore says it must not be kept at all.
	NoCache bool
	NoStore bool
}

// maxSeconds keeps a delta-seconds value inside a time.Duration; RFC 9111
// §1.2.2 asks for values too large to be taken as the largest one.
const maxSeconds = int64(1<<63-1) / int64(time.Second)

// ParseCacheControl reads Cache-Control header values (each may hold several
// comma-separated directives). Directive names are case-insensitive; values
// may be quoted. A max-age given twice with different values is, by RFC 9111
// §4.2.1, invalid; the smaller is kept, as the safer reading. Unknown
// directives and malformed values are skipped.
func ParseCacheControl(values ...string) CacheControl {
	var cc CacheControl
	for _, v := range values {
		for _, d := range splitDirectives(v) {
			name, arg, hasArg := strings.Cut(d, "=")
			name = strings.ToLower(strings.TrimSpace(name))
			arg = strings.TrimSpace(arg)
			if unq, err := strconv.Unquote(arg); err == nil && strings.HasPrefix(arg, `"`) {
				arg = unq
			}
			switch name {
			case "max-age":
				s, ok := parseSeconds(arg)
				if !ok {
					continue
				}
				if !cc.HasMaxAge || s < cc.MaxAge {
					cc.MaxAge = s
				}
				cc.HasMaxAge = true
			case "no-cache":
				if !hasArg || strings.TrimSpace(arg) == "" {
					cc.NoCache = true
				}
			case "no-store":
				cc.NoStore = true
			}
		}
	}
	return cc
}

// splitDirectives splits a header value on the commas that lie outside
// quoted strings.
func splitDirectives(v string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	out = append(out, v[start:])
	return out
}

// parseSeconds reads a non-negative delta-seconds value (digits only).
func parseSeconds(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // only overflow is left: take the largest value
		n = maxSeconds
	}
	return time.Duration(min(n, maxSeconds)) * time.Second, true
}
