package watcher

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/story"
)

// Stories is the story stage of a poll, after evaluation: every alerted
// item opens a story or joins an open one (package story), and the alerts
// of an item that joined go under the message of the story's first alert
// (Alert.Thread), so that six reports of one statement make one message
// and five replies, not six alerts. The stories go into the poll's commit.
// One Stories serves every poll of a process; a lock keeps its index in
// one order.
type Stories struct {
	mu     sync.Mutex
	index  *story.Index
	lists  map[string][]string
	byItem map[string]bool // destinations with group_by: item
}

// NewStories makes the stage, with the configuration's lists (the
// concepts items share) and the destinations that alert by item, and
// reloads the open stories the store kept.
func NewStories(cfg story.Config, lists map[string][]string, byItem []string, kept []store.StoryRecord) (*Stories, error) {
	s := &Stories{index: story.NewIndex(cfg)}
	s.Configure(lists, byItem)
	recs := make([]story.Record, 0, len(kept))
	for _, k := range kept {
		var r story.Record
		if err := json.Unmarshal(k.Record, &r); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	s.index.Restore(recs)
	return s, nil
}

// Configure takes a reloaded configuration's lists and destinations.
func (s *Stories) Configure(lists map[string][]string, byItem []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists = lists
	s.byItem = map[string]bool{}
	for _, d := range byItem {
		s.byItem[d] = true
	}
}

// place assigns an alerted item to its story and marks the alerts of an
// item that joined an open story as its follow-ups. It returns the story
// as it stands, for the commit.
func (s *Stories) place(it attache.Item, matches []attache.Match, alerts []attache.Alert) (store.StoryRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.index.Assign(story.ItemOf(it, matches, s.lists))
	rec, err := json.Marshal(d.Record)
	if err != nil {
		return store.StoryRecord{}, false
	}
	if !d.New && !d.Repeat && len(d.Record.Members) > 0 {
		feed, key, ok := strings.Cut(d.Record.First().Item, " ")
		why := ""
		if d.Reason != nil {
			why = d.Reason.String()
		}
		for i := range alerts {
			if ok && !s.byItem[alerts[i].Destination] {
				alerts[i].Thread = &attache.Thread{Story: d.Story, Parent: alertID(feed, key, alerts[i].Destination), Why: why}
			}
		}
	}
	return store.StoryRecord{ID: d.Story, Record: rec, Updated: d.Record.Updated}, true
}
