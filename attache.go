// Package attache holds the domain values that every other package of the
// project speaks: feed items, rule matches and the hits that explain them,
// alerts and their severity. It has no logic beyond small methods and imports
// nothing of the project.
package attache

import (
	"fmt"
	"strings"
	"time"
)

// Field names, as used in queries (`title:NATO`) and in hits.
const (
	FieldTitle      = "title"
	FieldSummary    = "summary"
	FieldContent    = "content"
	FieldCategories = "categories"
	FieldAuthor     = "author"
	FieldLink       = "link"
)

// Item is one entry of a feed, normalised.
type Item struct {
	// Feed is the configured feed's name.
	Feed string
	// Key identifies the item within its feed: the GUID when present, else
	// the normalised link, else a hash of title and date (SPEC §4).
	Key string
	// Story identifies the item across feeds: its normalised link when it
	// has one, else Feed and Key. The same story is alerted once per rule and
	// destination whichever feed carried it.
	Story string

	Title      string
	Link       string
	Summary    string // may hold HTML
	Content    string // may hold HTML
	Author     string
	Categories []string

	// Lang is the language used for stemming Latin-script words (BCP 47
	// primary tag, such as "en" or "fr").
	Lang string

	// Published is in UTC. An item without a usable date takes the time it
	// was first seen, and DateMissing says so.
	Published   time.Time
	DateMissing bool
}

// Hit is one place in an item's text that made a rule match: the field, the
// query term that matched, the text it matched and its byte offsets into the
// field's plain text (HTML reduced to text; see text.Plain).
type Hit struct {
	Field string `json:"field"`
	Term  string `json:"term"`
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Match is one rule that matched an item, with the hits that explain it.
// The rules engine fills Rule and Hits; the daemon adds the rule's
// description and severity from the configuration.
type Match struct {
	Rule        string
	Description string
	Severity    Severity
	Hits        []Hit
}

// Severity ranks an alert.
type Severity int

// Severities, from least to most urgent.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "warning", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads one of info, warning, high, critical (any case).
func ParseSeverity(s string) (Severity, error) {
	for i, name := range severityNames {
		if strings.EqualFold(s, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: use info, warning, high or critical", s)
}
