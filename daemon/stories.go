package daemon

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/attache-dev/attache/story"
	"github.com/attache-dev/attache/web"
)

// recentStories reads, for the status page, the stories of the last day
// that more than one report joined, newest first.
func (d *daemon) recentStories(ctx context.Context, now time.Time) ([]web.Story, error) {
	kept, err := d.store.Stories(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	var out []web.Story
	for _, k := range slices.Backward(kept) {
		var r story.Record
		if json.Unmarshal(k.Record, &r) != nil || len(r.Members) < 2 {
			continue
		}
		st := web.Story{ID: r.ID, Opened: r.Opened}
		for _, m := range r.Members {
			rep := web.StoryReport{Source: m.Source, Lang: m.Lang, Title: m.Title, Link: m.Link, Published: m.Published}
			if m.Reason != nil {
				rep.Why = m.Reason.String()
			}
			st.Reports = append(st.Reports, rep)
		}
		out = append(out, st)
	}
	return out, nil
}
