package slack_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/slack"
	"github.com/attache-dev/attache/store/sqlite"
)

// The scale of the slow-Slack tests: the dispatcher's defaults divided by
// 100 (a 30 s send timeout becomes 300 ms, 5.5 minutes 3.3 s), so that a
// test of what happens over minutes takes seconds.
const (
	scaledTimeout = 300 * time.Millisecond
	scaledAnswer  = 2 * scaledTimeout // when the slow Slack answers
)

func scaledOptions(maxAge time.Duration) notify.Options {
	return notify.Options{
		SendTimeout:  scaledTimeout,
		Backoff:      notify.Backoff{Base: 20 * time.Millisecond, Max: 6 * time.Second, Jitter: 0.2},
		MaxAge:       maxAge,
		PollInterval: 50 * time.Millisecond,
	}
}

// runUntilSettled runs the dispatcher until every alert queued is
// delivered or dead, or limit has passed, and returns them by id.
func runUntilSettled(t *testing.T, st *sqlite.Store, d *notify.Dispatcher, limit time.Duration) map[string]attache.Alert {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	for {
		all, err := st.Alerts(context.WithoutCancel(ctx), 100)
		if err != nil {
			t.Fatal(err)
		}
		byID := make(map[string]attache.Alert)
		settled := 0
		for _, a := range all {
			byID[a.ID] = a
			if a.Status == attache.AlertDelivered || a.Status == attache.AlertDead {
				settled++
			}
		}
		if settled == len(all) {
			return byID
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d alerts neither delivered nor dead after %v", len(all)-settled, len(all), limit)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// newDispatcher makes a dispatcher at the scale of these tests.
func newDispatcher(t *testing.T, st *sqlite.Store, n notify.Notifier, opts notify.Options) *notify.Dispatcher {
	t.Helper()
	d, err := notify.NewDispatcher(st, map[string]notify.Notifier{"slack": n}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newBot makes a bot for the fake Slack at url; client nil is a plain one.
func newBot(t *testing.T, url string, client *http.Client) *slack.Bot {
	t.Helper()
	if client == nil {
		client = &http.Client{}
	}
	bot, err := slack.NewBot(slack.BotOptions{Token: "xoxb-test", Channel: channelID, APIURL: url, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	return bot
}

// TestASlowSlackGetsOneMessage is the slow-accepting Slack: it takes the
// message and answers after the send timeout. Over 5.5 minutes (scaled),
// sending again on every timeout made 6 or 7 messages of one alert; it must
// make one.
func TestASlowSlackGetsOneMessage(t *testing.T) {
	fake := &slowSlack{delay: scaledAnswer}
	url := fake.start(t)
	st := queueAlerts(t, 1)
	d := newDispatcher(t, st, newBot(t, url, nil), scaledOptions(3300*time.Millisecond))
	a := runUntilSettled(t, st, d, time.Minute)["a0"]
	t.Logf("one alert, a Slack answering after %v to a send timeout of %v: %d messages; alert %s after %d attempts (%s)",
		scaledAnswer, scaledTimeout, fake.messages(), a.Status, a.Attempts, a.LastError)
	if got := fake.messages(); got != 1 || a.Status != attache.AlertDelivered {
		t.Errorf("%d messages, alert %s; want 1 message, delivered", got, a.Status)
	}
	if fake.looks != 1 {
		t.Errorf("the channel was read %d times, want once", fake.looks)
	}
}

func TestASlowSlackWithoutTheHistoryScopeGetsAtMostThreeMessages(t *testing.T) {
	fake := &slowSlack{delay: scaledAnswer, historyError: "missing_scope"}
	url := fake.start(t)
	st := queueAlerts(t, 1)
	d := newDispatcher(t, st, newBot(t, url, nil), scaledOptions(time.Hour))
	a := runUntilSettled(t, st, d, time.Minute)["a0"]
	t.Logf("%d messages; alert %s: %s", fake.messages(), a.Status, a.LastError)
	if got, want := fake.messages(), 1+notify.MaxBlindResends; got != want || a.Status != attache.AlertDead {
		t.Errorf("%d messages, alert %s; want %d messages, then dead", got, a.Status, want)
	}
	for _, want := range []string{"outcome unknown: no answer to 3 sends (last: timeout: ", "missing_scope", "channels:history"} {
		if !strings.Contains(a.LastError, want) {
			t.Errorf("the dead alert says %q, want it to say %q", a.LastError, want)
		}
	}
}

func TestARefusedConnectionIsSentAgainWithoutCountingAgainstTheBound(t *testing.T) {
	fake := &slowSlack{historyError: "missing_scope"} // answers at once
	url := fake.start(t)
	// A port where nothing listens: the connection is refused, nothing
	// is written, nothing can have arrived.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	const refusals = 2 * (1 + notify.MaxBlindResends)
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= refusals {
			addr = closed
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	st := queueAlerts(t, 1)
	d := newDispatcher(t, st, newBot(t, url, &http.Client{Transport: tr}), scaledOptions(time.Hour))
	a := runUntilSettled(t, st, d, time.Minute)["a0"]
	if a.Status != attache.AlertDelivered || fake.messages() != 1 || a.Attempts != refusals+1 || a.Unknown != 0 {
		t.Errorf("alert %s after %d attempts, %d unknown, %d messages; want delivered after %d refusals, none unknown, one message (last error %q)",
			a.Status, a.Attempts, a.Unknown, fake.messages(), refusals, a.LastError)
	}
	if !strings.Contains(a.LastError, "connection refused") {
		t.Errorf("last error %q, want the refusal", a.LastError)
	}
}

func TestASlowWebhookGetsAtMostThreeMessages(t *testing.T) {
	var (
		mu    sync.Mutex
		posts int
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		posts++
		mu.Unlock()
		select {
		case <-time.After(scaledAnswer):
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "ok")
	}))
	defer hook.Close()
	wh, err := slack.NewWebhook(slack.WebhookOptions{URL: hook.URL + "/services/T0/B0/x", HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	st := queueAlerts(t, 1)
	d := newDispatcher(t, st, wh, scaledOptions(time.Hour))
	a := runUntilSettled(t, st, d, time.Minute)["a0"]
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d messages; alert %s: %s", posts, a.Status, a.LastError)
	if want := 1 + notify.MaxBlindResends; posts != want || a.Status != attache.AlertDead {
		t.Errorf("%d messages, alert %s; want %d, then dead", posts, a.Status, want)
	}
	if !strings.HasPrefix(a.LastError, "outcome unknown: no answer to 3 sends") || !strings.Contains(a.LastError, "cannot be checked") {
		t.Errorf("the dead alert says %q, want outcome unknown and why", a.LastError)
	}
}

func TestASlowSlackGetsOneSummary(t *testing.T) {
	fake := &slowSlack{delay: scaledAnswer}
	url := fake.start(t)
	const n = 30
	st := queueAlerts(t, n)
	opts := scaledOptions(time.Hour)
	opts.BurstLimits = map[string]int{"slack": 5}
	d := newDispatcher(t, st, newBot(t, url, nil), opts)
	all := runUntilSettled(t, st, d, time.Minute)
	if got := fake.messages(); got != 1 || fake.looks != 1 {
		t.Errorf("%d messages, %d reads of the channel; want one summary, read once", got, fake.looks)
	}
	for id, a := range all {
		if a.Status != attache.AlertDelivered {
			t.Errorf("alert %s is %s, want delivered", id, a.Status)
		}
	}
	if len(all) != n {
		t.Errorf("%d alerts, want %d", len(all), n)
	}
}
