package story

import (
	"sort"
	"time"
)

// sweep closes the stories that have fallen out of the window and rebuilds
// the postings without them. It runs at most four times per window of
// publication time, so its cost spreads thin.
func (x *Index) sweep() {
	if x.latest.Sub(x.swept) < x.cfg.Window/4 {
		return
	}
	x.swept = x.latest
	cutoff := x.latest.Add(-x.cfg.Window)
	for id, s := range x.stories {
		if s.rec.Updated.Before(cutoff) {
			x.close(id)
		}
	}
	x.rebuild()
}

// bound closes the least recently updated stories beyond MaxStories.
func (x *Index) bound() {
	if len(x.stories) <= x.cfg.MaxStories {
		return
	}
	all := make([]*openStory, 0, len(x.stories))
	for _, s := range x.stories {
		all = append(all, s)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i].rec.Updated, all[j].rec.Updated
		return a.Before(b) || a.Equal(b) && all[i].rec.ID < all[j].rec.ID
	})
	for _, s := range all[:len(all)-x.cfg.MaxStories] {
		x.close(s.rec.ID)
	}
	x.rebuild()
}

func (x *Index) close(id string) {
	s := x.stories[id]
	for _, m := range s.rec.Members {
		if x.items[m.Item] == id {
			delete(x.items, m.Item)
		}
	}
	for _, sig := range s.sigs {
		x.drop(sig)
	}
	delete(x.stories, id)
}

func (x *Index) rebuild() {
	x.post = postings{}
	x.live, x.dead = 0, 0
	ids := make([]string, 0, len(x.stories))
	for id := range x.stories {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, sig := range x.stories[id].sigs {
			x.live += x.post.add(id, sig)
		}
	}
}

// Restore loads stories kept by the store, as Records returned them, so
// that items after a restart join the stories opened before it. Stories
// that have fallen out of the window of the newest of them are left out;
// signatures of another SignatureVersion are dropped, which leaves a story
// listed but matched only through its other members.
func (x *Index) Restore(recs []Record) {
	for i := range recs {
		if recs[i].Updated.After(x.latest) {
			x.latest = recs[i].Updated
		}
	}
	cutoff := x.latest.Add(-x.cfg.Window)
	for i := range recs {
		r := recs[i].clone()
		if r.Updated.Before(cutoff) || len(r.Members) == 0 || x.stories[r.ID] != nil {
			continue
		}
		s := &openStory{rec: r}
		for j := range r.Members {
			m := &r.Members[j]
			if m.Sig != nil && m.Sig.Version != SignatureVersion {
				m.Sig = nil
			}
			if m.Sig != nil {
				sig := *m.Sig
				m.Sig = &sig
				s.sigs = append(s.sigs, m.Sig)
			}
			x.items[m.Item] = r.ID
		}
		x.stories[r.ID] = s
	}
	x.bound()
	x.rebuild()
	x.swept = x.latest
}

// published bounds: an item is compared with a member only within the window.
func within(a, b time.Time, window time.Duration) bool {
	d := a.Sub(b)
	return d <= window && d >= -window
}
