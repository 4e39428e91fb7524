package daemon

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/source/websub"
)

// discoverEvery is how often feeds without a subscription are looked at
// again for a hub: a feed may start advertising one, and a hub that denied
// or failed may accept later.
const discoverEvery = 6 * time.Hour

// setUpWebSub makes the subscriber of the configuration's websub section,
// when there is one. Hubs push to the callback URL, which must reach
// --listen.
func (d *daemon) setUpWebSub(cfg *config.Config) error {
	if cfg.WebSub == nil {
		return nil
	}
	switch {
	case d.replica != nil:
		return configErr(errors.New("websub: not available with a PostgreSQL state yet (each replica would subscribe on its own): remove the websub section, feeds are polled"))
	case d.opts.Listen == "":
		return configErr(errors.New("websub: hubs push to callback_url, which must reach --listen: run with --listen"))
	}
	sub, err := websub.New(websub.Options{
		CallbackURL:      cfg.WebSub.CallbackURL,
		Deliver:          d.deliverPush,
		Client:           NewFetcher(cfg).Client(), // deny_private applies to hubs too
		Lease:            cfg.WebSub.Lease,
		MaxBody:          cfg.HTTP.MaxBody,
		AllowInsecureHub: cfg.WebSub.AllowInsecureHub,
		Logger:           d.log,
	})
	if err != nil {
		return configErr(err)
	}
	d.websub = sub
	return nil
}

// callbackPath is where the subscriber is mounted on --listen.
func callbackPath(cfg *config.Config) string {
	u, err := url.Parse(cfg.WebSub.CallbackURL)
	if err != nil {
		return "/websub"
	}
	return u.Path
}

// runWebSub subscribes the feeds that name a hub, now and every
// discoverEvery, and renews subscriptions before their leases end, until
// stop.
func (d *daemon) runWebSub(ctx context.Context, stop <-chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	go d.websub.Run(ctx)
	t := time.NewTicker(discoverEvery)
	defer t.Stop()
	for {
		d.discoverHubs(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// discoverHubs fetches each feed without a live subscription once and
// subscribes it to the first hub it names. Only feeds proper (RSS, Atom)
// have hubs.
func (d *daemon) discoverHubs(ctx context.Context) {
	cfg := d.config()
	fetcher := NewFetcher(cfg)
	for _, f := range cfg.Feeds {
		if ctx.Err() != nil {
			return
		}
		if f.HTML != nil || f.Telegram != nil || f.Sitemap != nil || f.JSON != nil {
			continue
		}
		if sub, ok := d.websub.Get(f.Name); ok && (sub.Status == websub.Active || sub.Status == websub.Pending) {
			continue
		}
		d.subscribe(ctx, fetcher, f)
	}
}

func (d *daemon) subscribe(ctx context.Context, fetcher *source.Fetcher, f attache.Feed) {
	resp, err := fetcher.Fetch(ctx, f.URL, source.Conditional{})
	if err != nil {
		d.log.Debug("websub: feed not read for its hub", "feed", f.Name, "error", err)
		return
	}
	base, err := url.Parse(resp.URL)
	if err != nil || base.Scheme == "file" {
		return
	}
	links, err := websub.Discover(base, http.Header{"Link": resp.Link}, resp.Body)
	if len(links.Hubs) == 0 {
		if err != nil {
			d.log.Debug("websub: no hub found", "feed", f.Name, "error", err)
		}
		return
	}
	topic := links.Self
	if topic == "" {
		topic = f.URL
	}
	if err := d.websub.Subscribe(ctx, f.Name, topic, links.Hubs[0]); err != nil {
		d.log.Warn("websub: cannot subscribe: the feed is polled as before", "feed", f.Name, "hub", links.Hubs[0], "error", err)
		return
	}
	d.log.Info("websub: subscribing to the feed's hub; polling goes on as a fallback", "feed", f.Name, "hub", links.Hubs[0], "topic", topic)
}

// deliverPush records what a hub pushed, as a poll records what it read.
// An error makes the hub deliver it again.
func (d *daemon) deliverPush(_ context.Context, n websub.Notification) error {
	f := d.config().FeedByName(n.Feed)
	if f == nil {
		d.log.Info("websub: push for a feed no longer configured: dropped", "feed", n.Feed)
		return nil
	}
	r := d.poller.Push(d.work, *f, n.Body, n.ContentType)
	if r.Class == attache.PollStateError {
		return r.Err
	}
	d.log.Info("websub: pushed content recorded", "feed", f.Name, "items", r.Items, "new", r.New, "queued", r.Queued)
	return nil
}
