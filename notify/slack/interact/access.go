package interact

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"
)

// maxMemberPages bounds the pages of conversations.members read for one
// channel: 100 pages of 1,000 members.
const maxMemberPages = 100

// access decides who may act: the admins anywhere; in a destination's
// channel, its members; anywhere else (a direct message, another channel),
// the members of any destination's channel. Member lists come from Slack
// (conversations.members) and are kept for a while, so that a click costs
// no request most of the time and someone removed from the channel loses
// the right within the TTL.
type access struct {
	api      *slack.Client
	admins   []string
	channels []string
	ttl      time.Duration
	now      func() time.Time

	mu      sync.Mutex
	members map[string]memberList
	flight  singleflight.Group
}

type memberList struct {
	users map[string]bool
	at    time.Time
}

func newAccess(api *slack.Client, admins, channels []string, ttl time.Duration, now func() time.Time) *access {
	return &access{api: api, admins: admins, channels: channels, ttl: ttl, now: now, members: map[string]memberList{}}
}

// allowed reports whether user may act in channel. An error means that
// Slack could not be asked: the answer is then no.
func (c *access) allowed(ctx context.Context, user, channel string) (bool, error) {
	if user == "" {
		return false, nil
	}
	if slices.Contains(c.admins, user) {
		return true, nil
	}
	check := c.channels
	if slices.Contains(c.channels, channel) {
		check = []string{channel}
	}
	var firstErr error
	for _, ch := range check {
		users, err := c.membersOf(ctx, ch)
		if err != nil {
			firstErr = err
			continue
		}
		if users[user] {
			return true, nil
		}
	}
	return false, firstErr
}

// membersOf gives a channel's members, from the cache while it is fresh.
// Concurrent misses for one channel make one request.
func (c *access) membersOf(ctx context.Context, channel string) (map[string]bool, error) {
	c.mu.Lock()
	l, ok := c.members[channel]
	c.mu.Unlock()
	if ok && c.now().Sub(l.at) < c.ttl {
		return l.users, nil
	}
	v, err, _ := c.flight.Do(channel, func() (any, error) {
		users, err := c.fetch(ctx, channel)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.members[channel] = memberList{users: users, at: c.now()}
		c.mu.Unlock()
		return users, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]bool), nil
}

func (c *access) fetch(ctx context.Context, channel string) (map[string]bool, error) {
	users := map[string]bool{}
	p := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for range maxMemberPages {
		page, next, err := c.api.GetUsersInConversationContext(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("members of channel %s: %w", channel, err)
		}
		for _, u := range page {
			users[u] = true
		}
		if next == "" {
			return users, nil
		}
		p.Cursor = next
	}
	return users, nil
}
