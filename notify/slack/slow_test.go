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
)

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
