package story

import (
	"sort"
	"strings"
	"time"

	"github.com/attache-dev/attache"
)

// Item is an alerted item as the story stage needs it.
type Item struct {
	// ID identifies the item for good: feed and key (ItemOf uses the
	// store's "feed key"). A story's id derives from its first item's.
	ID string `json:"id"`
	// Source names where it came from, for display (the feed's name).
	Source string `json:"source"`
	Title  string `json:"title"`
	// Text is the item's summary and content; it may hold HTML.
	Text string `json:"text"`
	Link string `json:"link,omitempty"`
	// Lang is the item's language (BCP 47 primary tag: en, ru, zh).
	Lang      string    `json:"lang"`
	Published time.Time `json:"published"`
	// Concepts are the names of the rule lists whose entries the matched
	// rules found in the item (nato, belarus, exercises): see ConceptsOf.
	Concepts []string `json:"concepts,omitempty"`
}

// ItemOf builds the story stage's item from an alerted item, the rules that
// matched it, and the configuration's lists.
func ItemOf(it attache.Item, matches []attache.Match, lists map[string][]string) Item {
	text := it.Summary
	if it.Content != "" && !strings.Contains(it.Content, strings.TrimSpace(it.Summary)) {
		text += "\n\n" + it.Content
	} else if it.Content != "" {
		text = it.Content
	}
	return Item{
		ID: it.Feed + " " + it.Key, Source: it.Feed, Title: it.Title, Text: text, Link: it.Link,
		Lang: it.Lang, Published: it.Published, Concepts: ConceptsOf(matches, lists),
	}
}

// ConceptsOf names the lists whose entries the rules found: a hit's Term
// is the list entry as the configuration writes it, so each hit is traced
// back to every list that holds that entry. A rule's own word that is also
// a list entry counts for the list too: the rules engine does not yet say
// which list a hit came from.
func ConceptsOf(matches []attache.Match, lists map[string][]string) []string {
	byEntry := map[string][]string{}
	for name, entries := range lists {
		for _, e := range entries {
			e = strings.TrimSpace(e)
			byEntry[e] = append(byEntry[e], name)
		}
	}
	set := map[string]bool{}
	for _, m := range matches {
		for _, h := range m.Hits {
			for _, name := range byEntry[h.Term] {
				set[name] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
