package config

import (
	"fmt"
	"strings"
)

// segment records where a piece of an expanded string came from, so that an
// offset into the expanded text (a query error) can be traced back to the
// text as written. A literal piece maps byte for byte; a substituted one
// (a variable's value, or the "$" of "$$") maps to where it was written.
type segment struct {
	out, raw int
	literal  bool
}

// expansion is a string with its ${VAR} references replaced.
type expansion struct {
	value string
	segs  []segment
	// vars holds the values substituted, so that a secret field can redact
	// them wherever they might surface.
	vars []string
}

// expandError is a problem with one reference, at a byte offset into the
// text as written.
type expandError struct {
	off int
	msg string
}

// expand replaces ${NAME} with the variable's value from getenv and $$
// with a single $. A "$" followed by anything else is kept as written, so
// that regexes such as /end$/ need no escaping. A variable that is not set
// is an error naming it; one set to "" expands to "". Values are never put
// in messages.
func expand(raw string, getenv func(string) (string, bool)) (expansion, []expandError) {
	if !strings.Contains(raw, "$") {
		return expansion{value: raw}, nil
	}
	var (
		b    strings.Builder
		x    expansion
		errs []expandError
	)
	lit := -1 // start of the pending literal run, or -1
	flush := func(upto int) {
		if lit >= 0 && lit < upto {
			x.segs = append(x.segs, segment{out: b.Len(), raw: lit, literal: true})
			b.WriteString(raw[lit:upto])
		}
		lit = -1
	}
	for i := 0; i < len(raw); {
		if raw[i] != '$' || i+1 >= len(raw) || (raw[i+1] != '$' && raw[i+1] != '{') {
			if lit < 0 {
				lit = i
			}
			i++
			continue
		}
		flush(i)
		if raw[i+1] == '$' {
			x.segs = append(x.segs, segment{out: b.Len(), raw: i})
			b.WriteByte('$')
			i += 2
			continue
		}
		closing := strings.IndexByte(raw[i+2:], '}')
		if closing < 0 {
			errs = append(errs, expandError{i, "unterminated ${: close it with }, or write $$ for a literal $"})
			break
		}
		name := raw[i+2 : i+2+closing]
		x.segs = append(x.segs, segment{out: b.Len(), raw: i})
		if !validVarName(name) {
			errs = append(errs, expandError{i, "invalid environment variable reference: write ${NAME} with letters, digits and _"})
		} else if val, ok := getenv(name); !ok {
			errs = append(errs, expandError{i, fmt.Sprintf("environment variable %s is not set", name)})
		} else {
			b.WriteString(val)
			if val != "" {
				x.vars = append(x.vars, val)
			}
		}
		i += 3 + closing
	}
	flush(len(raw))
	x.value = b.String()
	return x, errs
}

// validVarName accepts POSIX-style names: a letter or _, then letters,
// digits and _.
func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		case '0' <= r && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// rawOffset maps a byte offset into the expanded value back to the text as
// written.
func (x expansion) rawOffset(off int) int {
	if x.segs == nil {
		return off
	}
	raw := 0
	for _, s := range x.segs {
		if s.out > off {
			break
		}
		raw = s.raw
		if s.literal {
			raw += off - s.out
		}
	}
	return raw
}
