// Package redact takes secrets (tokens, webhook URLs) out of texts that
// are shown: error messages, logs, configuration problems. It is the last
// line of defence, written once for every package that handles secrets.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Mark replaces every secret found.
const Mark = "[redacted]"

// MinLen is the shortest secret looked for: real tokens and webhook URLs
// are far longer, and hunting for a one-letter "secret" (or "/") would
// deface every message.
const MinLen = 6

// patterns are Slack secrets, redacted whatever the configuration says.
var patterns = regexp.MustCompile(`xox[a-z]-[A-Za-z0-9-]+|(?i)hooks\.slack(?:-gov)?\.com/[^\s"']*`)

// Redactor holds the spellings of some secrets.
type Redactor struct {
	spellings []string
	// slack also redacts every Slack token and webhook URL, configured
	// or not.
	slack bool
}

// New redacts each secret as written, as Go quotes it in errors, and, for
// a URL, its path and query, which hold the secret part of a webhook's URL
// however the rest is spelled. Secrets shorter than MinLen are left alone.
func New(secrets ...string) Redactor {
	var r Redactor
	add := func(s string) {
		if len(s) >= MinLen {
			r.spellings = append(r.spellings, s, strings.Trim(strconv.Quote(s), `"`))
		}
	}
	for _, s := range secrets {
		add(s)
		if u, err := url.Parse(s); err == nil {
			add(u.String())
			add(u.EscapedPath())
			add(u.RawQuery)
		}
	}
	return r
}

// NewSlack is New, and redacts besides every Slack token and webhook URL
// found, configured or not: for what a Slack client's errors may quote.
func NewSlack(secrets ...string) Redactor {
	r := New(secrets...)
	r.slack = true
	return r
}

// Text returns s with every secret replaced by Mark.
func (r Redactor) Text(s string) string {
	for _, secret := range r.spellings {
		s = strings.ReplaceAll(s, secret, Mark)
	}
	if r.slack {
		s = patterns.ReplaceAllString(s, Mark)
	}
	return s
}

// Wrap returns err with its text redacted. It still answers errors.Is for
// what err wraps (context.Canceled, a deadline), but gives nothing else of
// it away: errors.As or Unwrap would hand back the text with the secret.
func (r Redactor) Wrap(err error) error {
	return &safeError{msg: r.Text(err.Error()), cause: err}
}

type safeError struct {
	msg   string
	cause error
}

func (e *safeError) Error() string        { return e.msg }
func (e *safeError) Is(target error) bool { return errors.Is(e.cause, target) }

// URL returns a URL with its password removed, for messages about a
// fetch; "(unparsable URL)" when it does not parse, since what does not
// parse cannot be checked for a secret.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
