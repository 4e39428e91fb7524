package story

import (
	"fmt"
	"sort"
	"time"
)

// Config bounds the index and sets how items join stories.
type Config struct {
	// Window is how far apart in publication time two items of one story
	// may be; a story is open while its latest member is within it of the
	// newest item seen. Default 48h.
	Window time.Duration
	// MaxStories bounds the open stories kept; beyond it the least recently
	// updated is closed. Default 10,000.
	MaxStories int
	// MaxMembers bounds the members a record lists: the first and the
	// latest. Default 100.
	MaxMembers int
	// MaxSignatures bounds the members of a story that later items are
	// compared with: the first and the latest. Default 8.
	MaxSignatures int
	// Weights score pairs of items; the zero value means DefaultWeights.
	Weights Weights
}

func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = 48 * time.Hour
	}
	if c.MaxStories <= 0 {
		c.MaxStories = 10000
	}
	if c.MaxMembers <= 0 {
		c.MaxMembers = 100
	}
	if c.MaxSignatures <= 0 {
		c.MaxSignatures = 8
	}
	if c.Weights == (Weights{}) {
		c.Weights = DefaultWeights
	}
	return c
}

// Decision is where an item went.
type Decision struct {
	Item  string `json:"item"`
	Story string `json:"story"`
	// New is true when the item opened the story: it is the story's alert.
	New bool `json:"new"`
	// Repeat is true when the item was already a member (a replay after a
	// restart, or the same item seen again): nothing changed.
	Repeat bool `json:"repeat,omitempty"`
	// Reason is why the item joined; nil when it opened the story.
	Reason *Reason `json:"reason,omitempty"`
	// Nearest is, for an item that opened a story, the best match it had
	// among the open stories, which scored below the threshold; nil if it
	// shared nothing with any.
	Nearest      *Reason `json:"nearest,omitempty"`
	NearestStory string  `json:"nearest_story,omitempty"`
	// Record is the story as it stands after this item, for the store.
	Record Record `json:"-"`
}

// Index holds the open stories and assigns items to them. It is not safe
// for concurrent use; the watcher's one commit stage owns it.
//
// Order: an item is compared with the members already in the index, so
// the stories formed depend on the order items arrive in only where an
// item would have matched two stories that a later item would have merged,
// or where a link between two items needs a third that arrives later (A
// and C are one story only through B). Items given in publication order
// (as Cluster does, and as the watcher does within a poll cycle) always
// give the same stories; across poll cycles, order is arrival order.
type Index struct {
	cfg     Config
	stories map[string]*openStory
	items   map[string]string // item id → story id
	post    postings
	live    int       // postings of signatures still compared with
	dead    int       // postings of dropped signatures, skipped until a rebuild
	latest  time.Time // the newest publication time seen: the index's clock
	swept   time.Time
}

type openStory struct {
	rec  Record
	sigs []*Signature // the signatures compared with: first and latest
}

// NewIndex returns an empty index.
func NewIndex(cfg Config) *Index {
	return &Index{cfg: cfg.withDefaults(), stories: map[string]*openStory{}, items: map[string]string{},
		post: postings{}}
}

// Assign puts an item into a story: the open story whose member it matches
// best, if the score reaches the threshold, else a new one.
func (x *Index) Assign(it Item) Decision {
	sig := Sign(it)
	return x.AssignSigned(it, &sig)
}

// AssignSigned is Assign with the item's signature already computed.
func (x *Index) AssignSigned(it Item, sig *Signature) Decision {
	if id, ok := x.items[it.ID]; ok {
		s := x.stories[id]
		d := Decision{Item: it.ID, Story: id, Repeat: true, Record: s.rec.clone()}
		for i := range s.rec.Members {
			if m := &s.rec.Members[i]; m.Item == it.ID {
				d.New, d.Reason = m.Reason == nil, m.Reason
			}
		}
		return d
	}
	if sig.Published.After(x.latest) {
		x.latest = sig.Published
	}
	x.sweep()

	best, bestStory := x.bestMatch(sig)
	m := Member{Item: it.ID, Source: it.Source, Title: it.Title, Link: it.Link, Lang: sig.Lang,
		Published: sig.Published, Sig: sig}
	d := Decision{Item: it.ID}
	if best != nil && best.Score >= x.cfg.Weights.Threshold {
		s := x.stories[bestStory]
		m.Reason = best
		x.join(s, m)
		d.Story, d.Reason = bestStory, best
	} else {
		s := x.open(m)
		d.Story, d.New = s.rec.ID, true
		if best != nil {
			d.Nearest, d.NearestStory = best, bestStory
		}
	}
	x.items[it.ID] = d.Story
	d.Record = x.stories[d.Story].rec.clone()
	return d
}

// bestMatch finds the open story with the best-scoring member: the highest
// score, then the story opened first, then the lower id, so that the
// choice never depends on map order.
func (x *Index) bestMatch(sig *Signature) (*Reason, string) {
	var best *Reason
	var bestStory string
	var bestOpened time.Time
	for _, c := range x.post.candidates(sig, x.cfg.Window) {
		s := x.stories[c.story]
		if s == nil || c.sig.dropped {
			continue
		}
		r := Compare(sig, c.sig, x.cfg.Weights)
		better := best == nil || r.Score > best.Score
		if !better && r.Score == best.Score {
			o := s.rec.Opened
			better = o.Before(bestOpened) || o.Equal(bestOpened) && (c.story < bestStory ||
				c.story == bestStory && c.sig.Item < best.Member)
		}
		if better {
			rr := r
			best, bestStory, bestOpened = &rr, c.story, s.rec.Opened
		}
	}
	return best, bestStory
}

func (x *Index) open(m Member) *openStory {
	id := storyID(m.Item)
	for n := 2; x.stories[id] != nil; n++ { // an id reused after its story closed
		id = storyID(fmt.Sprintf("%s#%d", m.Item, n))
	}
	s := &openStory{rec: Record{ID: id, Opened: m.Published, Updated: m.Published, Count: 1,
		Members: []Member{m}}, sigs: []*Signature{m.Sig}}
	x.stories[id] = s
	x.live += x.post.add(id, m.Sig)
	x.bound()
	return s
}

func (x *Index) join(s *openStory, m Member) {
	s.rec.Count++
	s.rec.Members = append(s.rec.Members, m)
	if n := len(s.rec.Members); n > x.cfg.MaxMembers {
		// Keep the first member, the story's alert; drop the oldest after it.
		copy(s.rec.Members[1:], s.rec.Members[2:])
		s.rec.Members = s.rec.Members[:n-1]
	}
	if m.Published.After(s.rec.Updated) {
		s.rec.Updated = m.Published
	}
	s.sigs = append(s.sigs, m.Sig)
	if n := len(s.sigs); n > x.cfg.MaxSignatures {
		x.drop(s.sigs[1])
		s.sigs = append(s.sigs[:1], s.sigs[2:]...)
		for i := range s.rec.Members {
			if s.rec.Members[i].Sig != nil && s.rec.Members[i].Sig.dropped {
				s.rec.Members[i].Sig = nil
			}
		}
	}
	x.live += x.post.add(s.rec.ID, m.Sig)
	if x.dead > 4096 && x.dead > x.live {
		x.rebuild()
	}
}

// drop stops comparing with a signature. Its postings stay, skipped, until
// the next rebuild: join rebuilds once they outnumber the live ones, so that
// a busy window never makes lookups walk dead entries without end.
func (x *Index) drop(sig *Signature) {
	if sig.dropped {
		return
	}
	sig.dropped = true
	x.live -= sig.postings
	x.dead += sig.postings
}

// SetMessage records, for a destination, the reference of the message that
// announced a story, so that later items can be threaded under it.
func (x *Index) SetMessage(story, destination, ref string) error {
	s := x.stories[story]
	if s == nil {
		return fmt.Errorf("story %q: set message for %q: not open", story, destination)
	}
	if s.rec.Messages == nil {
		s.rec.Messages = map[string]string{}
	}
	s.rec.Messages[destination] = ref
	return nil
}

// Story returns an open story's record.
func (x *Index) Story(id string) (Record, bool) {
	s := x.stories[id]
	if s == nil {
		return Record{}, false
	}
	return s.rec.clone(), true
}

// Records returns the open stories, by id.
func (x *Index) Records() []Record {
	out := make([]Record, 0, len(x.stories))
	for _, s := range x.stories {
		out = append(out, s.rec.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Len is the number of open stories.
func (x *Index) Len() int { return len(x.stories) }
