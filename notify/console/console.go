// Package console is the notifier that prints alerts, one line each, for
// the daemon's standard output and for trying rules out without Slack.
//
//	2026-11-28T09:14:00Z HIGH nato-west [kremlin-en] "Meeting with …" http://en.kremlin.ru/… (matched: NATO, western borders)
//
// The line gives the item's publication time in UTC, the alert's severity,
// the rules that matched, the feed, the title, the link and the query terms
// that matched. Text from a feed is untrusted: control characters, line
// breaks and invisible formatting characters are taken out, so that a title
// cannot forge a second line or reorder what a terminal shows, and long
// fields are cut on a character boundary.
package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
)

// Limits, in characters, of the fields of a line.
const (
	maxTitle = 300
	maxLink  = 1000
	maxName  = 100 // feed, rule and term names
)

// Notifier writes alerts to an io.Writer. It is safe for concurrent use:
// each line is written whole, in one Write, and lines never interleave.
type Notifier struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns a Notifier writing to w.
func New(w io.Writer) *Notifier {
	return &Notifier{w: w}
}

// Unpaced says that the dispatcher need not pace the console.
func (n *Notifier) Unpaced() {}

// Send writes one line for a. A failed write is a transient failure: the
// dispatcher tries again later.
func (n *Notifier) Send(ctx context.Context, a attache.Alert) error {
	if err := ctx.Err(); err != nil {
		return notify.Transient("", err, 0)
	}
	line := Line(a) + "\n"
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := io.WriteString(n.w, line); err != nil {
		return notify.Transient("write", fmt.Errorf("console: %w", err), 0)
	}
	return nil
}

// Line renders a as one line, without its line break.
func Line(a attache.Alert) string {
	var b strings.Builder
	when := a.Item.Published
	if when.IsZero() {
		when = a.Queued
	}
	if when.IsZero() {
		b.WriteString("-")
	} else {
		b.WriteString(when.UTC().Format(time.RFC3339))
	}
	b.WriteString(" ")
	b.WriteString(strings.ToUpper(a.Severity().String()))

	var rules, terms []string
	for _, m := range a.Matches {
		rules = appendNew(rules, clean(m.Rule, maxName))
		for _, h := range m.Hits {
			terms = appendNew(terms, clean(h.Term, maxName))
		}
	}
	b.WriteString(" ")
	if len(rules) == 0 {
		b.WriteString("-")
	} else {
		b.WriteString(strings.Join(rules, ","))
	}
	fmt.Fprintf(&b, " [%s] %q", clean(a.Item.Feed, maxName), clean(a.Item.Title, maxTitle))
	if link := strings.ReplaceAll(clean(a.Item.Link, maxLink), " ", "%20"); link != "" {
		b.WriteString(" ")
		b.WriteString(link)
	}
	if len(terms) > 0 {
		fmt.Fprintf(&b, " (matched: %s)", strings.Join(terms, ", "))
	}
	switch {
	case a.Thread != nil && a.Thread.Revision != "":
		fmt.Fprintf(&b, " (edited: %s)", clean(strings.ReplaceAll(a.Thread.Revision, "\n", "; "), maxTitle))
	case a.Thread != nil:
		// A later report of a story: said so, with the story's id, so that
		// a reader of the log can group the lines.
		fmt.Fprintf(&b, " (also reported: story %s)", clean(a.Thread.Story, maxName))
	}
	return b.String()
}

// appendNew appends s unless it is empty or already there.
func appendNew(list []string, s string) []string {
	for _, have := range list {
		if have == s {
			return list
		}
	}
	if s == "" {
		return list
	}
	return append(list, s)
}

// clean makes untrusted text safe for one line: every run of spaces, line
// breaks and control characters becomes one space, invisible formatting
// characters (bidirectional overrides, zero-width spaces) are dropped,
// invalid UTF-8 becomes U+FFFD, and text longer than max characters is cut
// on a character boundary and ends with "…".
func clean(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max*utf8.UTFMax))
	n := 0
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space && n > 0 {
			if n++; n > max {
				break
			}
			b.WriteByte(' ')
		}
		space = false
		if n++; n > max {
			break
		}
		b.WriteRune(r)
	}
	if n > max {
		return strings.TrimRight(b.String(), " ") + "…"
	}
	return b.String()
}

// Interface guard.
var _ notify.Notifier = (*Notifier)(nil)
