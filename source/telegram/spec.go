// Package telegram reads the public web preview of a Telegram channel,
// https://t.me/s/CHANNEL (no account, no token), into items: one per
// message, keyed by its post ("MID_Russia/50101"), dated by its time
// element, linked to its permalink, with its text, the channel it was
// forwarded from, the message it replies to and the page its link preview
// shows. Messages come oldest first; Page.Older says how to page back.
//
// A channel whose preview is disabled or blocked, or an address that
// lands on the channel's invitation page instead of its messages, is an
// error wrapping ErrPreviewUnavailable: no retry cures it, and callers
// raise it as a feed-health alert.
//
// The package knows nothing of HTTP: the caller fetches the page, with the
// same client, limits and conditional GET as every other source, and hands
// the body and the address it came from to Read.
package telegram

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/attache-dev/attache/source/internal/check"
)

// Problem is one thing wrong with a channel's settings; Validate returns
// every problem it finds (check.All lists them).
type Problem = check.Problem

// DefaultMaxPages is how many pages a first poll reads at most when it
// pages back through a channel within its backfill window: 20 messages a
// page, so about 100 messages.
const DefaultMaxPages = 5

// maxMaxPages bounds max_pages: paging further back is an archive crawl,
// which a watcher has no business doing on every new channel.
const maxMaxPages = 50

// Spec is the `telegram:` block of a source. Its zero value (`telegram:
// {}`) is valid and the usual setting.
type Spec struct {
	// MaxPages bounds how many pages (of about 20 messages) a first poll
	// reads when it pages back with ?before=N to reach the start of its
	// backfill window; 0 means DefaultMaxPages.
	MaxPages int `yaml:"max_pages"`
}

// Pages is MaxPages with its default applied.
func (s Spec) Pages() int {
	if s.MaxPages == 0 {
		return DefaultMaxPages
	}
	return s.MaxPages
}

// Validate checks the settings; the error lists every problem as a
// *Problem whose Key is the setting concerned.
func (s Spec) Validate() error {
	var l check.List
	if s.MaxPages < 0 || s.MaxPages > maxMaxPages {
		l.Add("max_pages", fmt.Sprintf("%d is out of range: give 1 to %d pages (0 or none means %d)", s.MaxPages, maxMaxPages, DefaultMaxPages))
	}
	return l.Err()
}

// channelName is what Telegram allows as a public username.
var channelName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)

// CheckURL checks a source address for a telegram: source and returns the
// channel it names. On t.me (and telegram.me) it must be the web preview,
// /s/CHANNEL: /CHANNEL alone is the invitation page, which lists no
// message, and a common slip. Another host is taken as a mirror that
// serves the same markup, and only its scheme is checked.
func CheckURL(raw string) (channel string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file" {
		return "", fmt.Errorf("%q: a telegram source is read over http(s), such as https://t.me/s/MID_Russia", raw)
	}
	if !isTelegramHost(u.Host) {
		return "", nil
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "s" && channelName.MatchString(parts[1]):
		return parts[1], nil
	case len(parts) == 1 && channelName.MatchString(parts[0]):
		return "", fmt.Errorf("%q is the channel's invitation page, which lists no message: use its web preview, https://%s/s/%s", raw, u.Host, parts[0])
	case len(parts) == 2 && parts[0] == "s":
		return "", fmt.Errorf("%q: %q is not a public channel name (5 to 32 letters, digits and _, starting with a letter)", raw, parts[1])
	}
	return "", fmt.Errorf("%q is not a channel's web preview: write https://t.me/s/CHANNEL", raw)
}

// isTelegramHost reports Telegram's own hosts, where the preview lives at
// /s/CHANNEL.
func isTelegramHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, ":443"))
	return host == "t.me" || host == "www.t.me" || host == "telegram.me" || host == "www.telegram.me"
}
