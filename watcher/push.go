package watcher

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
)

// Push records content a WebSub hub pushed for a feed (its signature
// verified) through the same stages as a poll: read, triage, item pages,
// evaluation and one commit. Unlike a poll it waits for a poll of the same
// feed under way, never skips: a push is news the hub will not send again
// once answered. The feed's validators and schedule are left as they are;
// a feed never polled yet is not baselined by a push: its first poll does
// that, so a push cannot flood a channel with a backlog.
func (p *Poller) Push(ctx context.Context, f attache.Feed, body []byte, contentType string) PollResult {
	mu, _ := p.running.LoadOrStore(f.Name, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	start := time.Now()
	out := p.push(ctx, f, body, contentType, p.conf.Load())
	if p.observe != nil {
		p.observe(out, time.Since(start))
	}
	if out.Class == attache.PollStateError {
		p.log.Error("push not recorded", keyFeed, f.Name, keyErr, out.Err)
	}
	return out
}

func (p *Poller) push(ctx context.Context, f attache.Feed, body []byte, contentType string, conf *pollConfig) PollResult {
	now := p.now().UTC()
	st, err := p.state.FeedState(ctx, f.Name)
	if err != nil {
		return PollResult{Feed: f.Name, Class: attache.PollStateError, Err: fmt.Errorf("feed %q: read state: %w", f.Name, err)}
	}
	if !st.Baselined {
		p.log.Info("push before the feed's first poll: left to that poll", keyFeed, f.Name)
		return PollResult{Feed: f.Name, Class: attache.PollSkipped}
	}
	items, err := conf.fetcher.ReadPushed(f, body, contentType, now)
	if err != nil {
		p.log.Warn("pushed content is not a feed", keyFeed, f.Name, keyErr, err)
		return PollResult{Feed: f.Name, Class: source.Classify(err), Err: err}
	}
	// A push carries the new entries only: the rest of the feed is still
	// there, and its sightings stand.
	out := p.record(ctx, p.state, f, st, items, now, conf, nil)
	out.Pushed = true
	return out
}
