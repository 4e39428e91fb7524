package config

import (
	"fmt"
	"log/slog"

	redactpkg "github.com/attache-dev/attache/internal/redact"
)

// redacted is what a Secret prints instead of its value.
const redacted = redactpkg.Mark

// Secret is a credential taken from the configuration: a Slack bot token or
// a webhook URL. Every way of printing it (fmt verbs, slog, JSON, text and
// YAML encoders) shows "[redacted]", so that a Config or a Destination can be
// logged whole without leaking it; Value returns the real one for the code
// that must use it.
type Secret string

// Value returns the secret itself. Call it only where the secret is sent to
// the service it belongs to, never to build a message.
func (s Secret) Value() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String returns "[redacted]", or "" when the secret is empty, so that logs
// still tell a missing secret from a set one.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// Format prints the redacted form for every verb, %x and %q included.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// LogValue makes slog print the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText gives the redacted form to text encoders (YAML included).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON gives the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// redact replaces every occurrence of the given secrets in msg. It is the
// last line of defence: messages are written not to quote secret fields,
// and this catches what a library's message might still carry.
func redact(msg string, secrets []string) string {
	return redactpkg.New(secrets...).Text(msg)
}
