package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/attache-dev/attache"
)

// A queued alert keeps a snapshot of its item and matches as JSON, in the
// same format as the SQLite store's, so that a state copied between the two
// keeps its queue readable. These types, not the domain types, fix the
// format: renaming a field of attache.Item must never make stored alerts
// unreadable.
//
// The column type is json, not jsonb: jsonb refuses the escape \u0000, and a
// snapshot must hold whatever text an item had.

type itemJSON struct {
	Feed        string   `json:"feed"`
	Key         string   `json:"key"`
	Story       string   `json:"story"`
	Title       string   `json:"title,omitempty"`
	Link        string   `json:"link,omitempty"`
	Summary     string   `json:"summary,omitempty"`
	Content     string   `json:"content,omitempty"`
	Author      string   `json:"author,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	Lang        string   `json:"lang,omitempty"`
	PublishedMS *int64   `json:"published_ms,omitempty"`
	DateMissing bool     `json:"date_missing,omitempty"`
	// Thread is the alert's place in its story (Alert.Thread), kept with
	// the item's snapshot.
	Thread *threadJSON `json:"thread,omitempty"`
}

type threadJSON struct {
	Story  string `json:"story"`
	Parent string `json:"parent"`
	Why    string `json:"why,omitempty"`
	// Revision is Thread.Revision.
	Revision string `json:"revision,omitempty"`
}

type matchJSON struct {
	Rule        string    `json:"rule"`
	Description string    `json:"description,omitempty"`
	Severity    string    `json:"severity"`
	Hits        []hitJSON `json:"hits,omitempty"`
}

type hitJSON struct {
	Field string `json:"field"`
	Term  string `json:"term"`
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// encodeItem gives the snapshot of an item already cleaned (cleanItem).
func encodeItem(it attache.Item, th *attache.Thread) (string, error) {
	j := itemJSON{
		Feed: it.Feed, Key: it.Key, Story: it.Story,
		Title: it.Title, Link: it.Link, Summary: it.Summary, Content: it.Content,
		Author: it.Author, Categories: it.Categories, Lang: it.Lang,
		DateMissing: it.DateMissing,
	}
	if !it.Published.IsZero() {
		ms := it.Published.UnixMilli()
		j.PublishedMS = &ms
	}
	if th != nil {
		j.Thread = &threadJSON{Story: th.Story, Parent: th.Parent, Why: th.Why, Revision: th.Revision}
	}
	b, err := json.Marshal(j)
	return string(b), err
}

func decodeItem(s string) (attache.Item, *attache.Thread, error) {
	var j itemJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return attache.Item{}, nil, err
	}
	var th *attache.Thread
	if j.Thread != nil {
		th = &attache.Thread{Story: j.Thread.Story, Parent: j.Thread.Parent, Why: j.Thread.Why, Revision: j.Thread.Revision}
	}
	it := attache.Item{
		Feed: j.Feed, Key: j.Key, Story: j.Story,
		Title: j.Title, Link: j.Link, Summary: j.Summary, Content: j.Content,
		Author: j.Author, Categories: j.Categories, Lang: j.Lang,
		DateMissing: j.DateMissing,
	}
	if j.PublishedMS != nil {
		it.Published = time.UnixMilli(*j.PublishedMS).UTC()
	}
	if len(it.Categories) == 0 {
		it.Categories = nil
	}
	return it, th, nil
}

func encodeMatches(ms []attache.Match) (string, error) {
	js := make([]matchJSON, 0, len(ms))
	for _, m := range ms {
		// Write only what can be read back: a stored alert that cannot be
		// decoded would block its destination's queue.
		if _, err := attache.ParseSeverity(m.Severity.String()); err != nil {
			return "", fmt.Errorf("rule %q: %w", m.Rule, err)
		}
		j := matchJSON{Rule: m.Rule, Description: m.Description, Severity: m.Severity.String()}
		for _, h := range m.Hits {
			j.Hits = append(j.Hits, hitJSON(h))
		}
		js = append(js, j)
	}
	b, err := json.Marshal(js)
	return string(b), err
}

func decodeMatches(s string) ([]attache.Match, error) {
	var js []matchJSON
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, err
	}
	ms := make([]attache.Match, 0, len(js))
	for _, j := range js {
		sev, err := attache.ParseSeverity(j.Severity)
		if err != nil {
			return nil, fmt.Errorf("rule %q: %w", j.Rule, err)
		}
		m := attache.Match{Rule: j.Rule, Description: j.Description, Severity: sev}
		for _, h := range j.Hits {
			m.Hits = append(m.Hits, attache.Hit(h))
		}
		ms = append(ms, m)
	}
	return ms, nil
}
