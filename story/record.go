package story

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Record is a story as the store keeps it: enough to show it, to thread
// later items under the message that announced it, and to match later items
// after a restart.
type Record struct {
	// ID derives from the first item's id, so replaying the same items
	// gives the same ids.
	ID string `json:"id"`
	// Opened and Updated are the publication times of the first and the
	// latest member. A story is open while Updated is within the window.
	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"`
	// Count is the number of items that joined, including those no longer
	// listed in Members.
	Count int `json:"count"`
	// Members are the first member (the story's alert) and the latest ones,
	// at most Config.MaxMembers.
	Members []Member `json:"members"`
	// Messages holds, per destination, the reference of the message that
	// announced the story (for Slack a channel and ts), opaque to this
	// package; the notifier sets it with Index.SetMessage once it has sent.
	Messages map[string]string `json:"messages,omitempty"`
}

// Member is one item of a story.
type Member struct {
	Item      string    `json:"item"`
	Source    string    `json:"source"`
	Title     string    `json:"title"`
	Link      string    `json:"link,omitempty"`
	Lang      string    `json:"lang"`
	Published time.Time `json:"published"`
	// Reason is why it joined; nil for the member that opened the story.
	Reason *Reason `json:"reason,omitempty"`
	// Sig is kept for the first member and the latest ones, at most
	// Config.MaxSignatures; later items are matched against these.
	Sig *Signature `json:"sig,omitempty"`
}

// First is the member that opened the story: its alert.
func (r *Record) First() *Member { return &r.Members[0] }

// storyID derives a story's id from its first item's.
func storyID(item string) string {
	sum := sha256.Sum256([]byte(item))
	return "s" + hex.EncodeToString(sum[:8])
}

// clone copies a record deeply enough that the caller may keep it while the
// index goes on changing its own.
func (r *Record) clone() Record {
	c := *r
	c.Members = append([]Member(nil), r.Members...)
	if r.Messages != nil {
		c.Messages = make(map[string]string, len(r.Messages))
		for k, v := range r.Messages {
			c.Messages[k] = v
		}
	}
	return c
}
