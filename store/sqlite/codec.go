package sqlite

import (
	"encoding/json"
	"fmt"

	"github.com/attache-dev/attache"
)

// The alert queue keeps a snapshot of the item and the matches as JSON. These
// types, not the domain types, fix its format, so that renaming a field of
// attache.Item can never make stored alerts unreadable.

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
		it.Published = fromMSValue(*j.PublishedMS)
	}
	return normItem(it), th, nil
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

// encodeCategories gives the items table's categories column: a JSON array,
// "[]" when there are none.
func encodeCategories(cs []string) (string, error) {
	if len(cs) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(cs)
	return string(b), err
}

func decodeCategories(s string) ([]string, error) {
	var cs []string
	if err := json.Unmarshal([]byte(s), &cs); err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return cs, nil
}

// normItem gives it as it reads back from the store: Published in UTC to the
// millisecond, no categories as nil, and a Story even if the caller left it
// empty.
func normItem(it attache.Item) attache.Item {
	it.Published = truncMS(it.Published)
	if len(it.Categories) == 0 {
		it.Categories = nil
	}
	if it.Story == "" {
		// The watcher should always set Story. Without this an empty Story
		// would make every storyless item the same story, and all but the
		// first would never be alerted. Feed names hold no spaces and
		// normalised links hold none either, so this cannot meet a real one.
		it.Story = it.Feed + " " + it.Key
	}
	return it
}
