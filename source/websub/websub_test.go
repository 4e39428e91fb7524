package websub

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

const topic = "http://en.kremlin.ru/events/president/news/feed"

var body = []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>Statement</title></entry></feed>`)

func TestSubscriptionVerifiedThenNotificationsDelivered(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if err := fx.sub.Subscribe(ctx, "kremlin-en", topic, fx.hub.srv.URL); err != nil {
		t.Fatal(err)
	}
	req := fx.hub.last(t)
	if req.Get("hub.mode") != "subscribe" || req.Get("hub.topic") != topic || len(req.Get("hub.secret")) < 32 || req.Get("hub.lease_seconds") != "864000" {
		t.Fatalf("subscription request %v", req)
	}
	sub, _ := fx.sub.Get("kremlin-en")
	if !strings.HasSuffix(req.Get("hub.callback"), "/websub/"+sub.Token) || sub.Status != Pending {
		t.Fatalf("callback %q, subscription %+v", req.Get("hub.callback"), sub)
	}
	if !fx.sub.PushUntil("kremlin-en", fx.clock.Now()).IsZero() {
		t.Error("a pending subscription counted as pushing: polling must not slow down yet")
	}
	code, echoed := fx.hub.verify(t, req, "subscribe", topic, 3600)
	if code != http.StatusOK || !echoed {
		t.Fatalf("verification: status %d, challenge echoed %v", code, echoed)
	}
	sub, _ = fx.sub.Get("kremlin-en")
	if sub.Status != Active || sub.Lease != time.Hour || !sub.LeaseEnd.Equal(fx.clock.Now().Add(time.Hour)) {
		t.Fatalf("after verification: %+v", sub)
	}
	if got := fx.sub.PushUntil("kremlin-en", fx.clock.Now()); !got.Equal(sub.LeaseEnd) {
		t.Errorf("PushUntil = %v, want the lease end %v", got, sub.LeaseEnd)
	}
	secret, cb := req.Get("hub.secret"), req.Get("hub.callback")
	for _, method := range []string{"sha1", "sha256", "sha384", "sha512"} {
		t.Run("signed with "+method, func(t *testing.T) {
			n := len(fx.got())
			if code := publish(t, cb, Sign(method, secret, body), body); code/100 != 2 {
				t.Fatalf("status %d", code)
			}
			got := fx.got()
			if len(got) != n+1 || got[n].Feed != "kremlin-en" || string(got[n].Body) != string(body) || got[n].ContentType != "application/atom+xml" {
				t.Fatalf("delivered %+v", got)
			}
		})
	}
	rejected := []struct {
		name, signature string
	}{
		{"unsigned", ""},
		{"signed with another secret", Sign("sha256", "not-the-secret", body)},
		{"signed over another body", Sign("sha256", secret, []byte("<feed/>"))},
		{"signed with an unknown method", "md5=" + strings.Repeat("0", 32)},
		{"a signature that is not hex", "sha256=zz"},
	}
	for _, tc := range rejected {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			n := len(fx.got())
			if code := publish(t, cb, tc.signature, body); code != http.StatusForbidden {
				t.Errorf("status %d, want 403", code)
			}
			if len(fx.got()) != n {
				t.Error("a rejected notification was delivered")
			}
		})
	}
	t.Run("a token nobody holds is gone", func(t *testing.T) {
		if code := publish(t, cb[:strings.LastIndex(cb, "/")]+"/unknown", Sign("sha256", secret, body), body); code != http.StatusGone {
			t.Errorf("status %d, want 410", code)
		}
	})
	t.Run("a notification that cannot be taken is asked again", func(t *testing.T) {
		fx.mu.Lock()
		fx.failWith = errStore
		fx.mu.Unlock()
		defer func() { fx.mu.Lock(); fx.failWith = nil; fx.mu.Unlock() }()
		if code := publish(t, cb, Sign("sha256", secret, body), body); code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500 so that the hub retries", code)
		}
	})
}

func TestFeedsAreToldApart(t *testing.T) {
	fx := newFixture(t)
	a := fx.subscribed(t, "kremlin-en", topic, 3600)
	b := fx.subscribed(t, "kremlin-ru", "http://kremlin.ru/events/president/news/feed", 3600)
	if a.Get("hub.callback") == b.Get("hub.callback") || a.Get("hub.secret") == b.Get("hub.secret") {
		t.Fatal("two feeds share a callback or a secret")
	}
	if code := publish(t, b.Get("hub.callback"), Sign("sha256", b.Get("hub.secret"), body), body); code/100 != 2 {
		t.Fatalf("status %d", code)
	}
	// Feed A's secret does not open feed B's callback.
	if code := publish(t, b.Get("hub.callback"), Sign("sha256", a.Get("hub.secret"), body), body); code != http.StatusForbidden {
		t.Errorf("another feed's secret: status %d, want 403", code)
	}
	if got := fx.got(); len(got) != 1 || got[0].Feed != "kremlin-ru" {
		t.Errorf("delivered %+v, want one notification for kremlin-ru", got)
	}
}

func TestVerificationsNotAskedForAreRefused(t *testing.T) {
	fx := newFixture(t)
	req := fx.subscribed(t, "kremlin-en", topic, 3600)
	tests := []struct {
		name, mode, topic string
	}{
		{"another topic", "subscribe", "http://example.org/other"},
		{"an unsubscription nobody asked for", "unsubscribe", topic},
		{"an unknown mode", "publish", topic},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, echoed := fx.hub.verify(t, req, tc.mode, tc.topic, 60)
			if code/100 == 2 || echoed {
				t.Errorf("status %d, echoed %v: want a refusal", code, echoed)
			}
		})
	}
	if sub, _ := fx.sub.Get("kremlin-en"); sub.Status != Active || sub.Lease != time.Hour {
		t.Errorf("a refused verification changed the subscription: %+v", sub)
	}
}

func TestADeniedSubscriptionFallsBackToPolling(t *testing.T) {
	fx := newFixture(t)
	if err := fx.sub.Subscribe(context.Background(), "kremlin-en", topic, fx.hub.srv.URL); err != nil {
		t.Fatal(err)
	}
	req := fx.hub.last(t)
	if code := fx.hub.deny(t, req, "topic not served"); code != http.StatusOK {
		t.Fatalf("denial: status %d", code)
	}
	sub, _ := fx.sub.Get("kremlin-en")
	if sub.Status != Denied || sub.Reason != "topic not served" {
		t.Errorf("after denial: %+v", sub)
	}
	if !fx.sub.PushUntil("kremlin-en", fx.clock.Now()).IsZero() {
		t.Error("a denied feed counts as pushed: it would be polled only as a fallback")
	}
	if code := publish(t, req.Get("hub.callback"), Sign("sha256", req.Get("hub.secret"), body), body); code != http.StatusGone {
		t.Errorf("notification after denial: status %d, want 410", code)
	}
}

func TestRenewalBeforeTheLeaseEnds(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	first := fx.subscribed(t, "kremlin-en", topic, 10*24*3600)
	sub, _ := fx.sub.Get("kremlin-en")
	// A day before the end of a ten-day lease is when it is renewed.
	fx.clock.Add(8*24*time.Hour + 23*time.Hour)
	if next := fx.sub.Renew(ctx); fx.hub.count() != 1 || !next.Equal(sub.LeaseEnd.Add(-24*time.Hour)) {
		t.Fatalf("renewed too early (%d requests), or next call at %v", fx.hub.count(), next)
	}
	fx.clock.Add(2 * time.Hour)
	fx.sub.Renew(ctx)
	if fx.hub.count() != 2 {
		t.Fatalf("no renewal a day before the lease ends (%d requests)", fx.hub.count())
	}
	renew := fx.hub.last(t)
	if renew.Get("hub.callback") != first.Get("hub.callback") || renew.Get("hub.secret") != first.Get("hub.secret") {
		t.Error("a renewal changed the callback or the secret: notifications in flight would fail")
	}
	// Still pushing while the hub verifies the renewal.
	if fx.sub.PushUntil("kremlin-en", fx.clock.Now()).IsZero() {
		t.Error("a renewal under way stopped the push")
	}
	fx.sub.Renew(ctx)
	if fx.hub.count() != 2 {
		t.Error("a renewal was asked again before the hub had time to verify it")
	}
	if code, echoed := fx.hub.verify(t, renew, "subscribe", topic, 10*24*3600); code != http.StatusOK || !echoed {
		t.Fatalf("verification of the renewal: %d, %v", code, echoed)
	}
	if got, _ := fx.sub.Get("kremlin-en"); !got.LeaseEnd.Equal(fx.clock.Now().Add(10 * 24 * time.Hour)) {
		t.Errorf("lease end after renewal %v, want ten days from now", got.LeaseEnd)
	}
}

func TestALeaseThatRunsOutFallsBackToPolling(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	fx.subscribed(t, "kremlin-en", topic, 3600)
	fx.hub.mu.Lock()
	fx.hub.down = true
	fx.hub.mu.Unlock()
	fx.clock.Add(31 * time.Minute) // past the renewal point of a one-hour lease
	fx.sub.Renew(ctx)
	if sub, _ := fx.sub.Get("kremlin-en"); !strings.Contains(sub.Reason, "503") {
		t.Errorf("a failed renewal left no reason: %+v", sub)
	}
	if fx.sub.PushUntil("kremlin-en", fx.clock.Now()).IsZero() {
		t.Error("the lease still runs, but the push was dropped")
	}
	fx.clock.Add(30 * time.Minute)
	if !fx.sub.PushUntil("kremlin-en", fx.clock.Now()).IsZero() {
		t.Error("the lease ran out, but the feed still counts as pushed")
	}
	// The hub comes back: the next renewal subscribes again.
	fx.hub.mu.Lock()
	fx.hub.down = false
	fx.hub.mu.Unlock()
	fx.clock.Add(retryEvery)
	fx.sub.Renew(ctx)
	if fx.hub.count() != 2 {
		t.Errorf("no new subscription once the hub was back (%d requests)", fx.hub.count())
	}
}

func TestUnsubscribe(t *testing.T) {
	fx := newFixture(t)
	req := fx.subscribed(t, "kremlin-en", topic, 3600)
	if err := fx.sub.Unsubscribe(context.Background(), "kremlin-en"); err != nil {
		t.Fatal(err)
	}
	unsub := fx.hub.last(t)
	if unsub.Get("hub.mode") != "unsubscribe" || unsub.Get("hub.callback") != req.Get("hub.callback") {
		t.Fatalf("unsubscription request %v", unsub)
	}
	if code, echoed := fx.hub.verify(t, unsub, "unsubscribe", topic, 0); code != http.StatusOK || !echoed {
		t.Fatalf("verification of the unsubscription: %d, %v", code, echoed)
	}
	if _, ok := fx.sub.Get("kremlin-en"); ok {
		t.Error("the subscription outlived its verified unsubscription")
	}
	if code := publish(t, req.Get("hub.callback"), Sign("sha256", req.Get("hub.secret"), body), body); code != http.StatusGone {
		t.Errorf("notification after unsubscribing: status %d, want 410", code)
	}
}

func TestSubscriptionsSurviveARestart(t *testing.T) {
	fx := newFixture(t)
	req := fx.subscribed(t, "kremlin-en", topic, 3600)
	saved := fx.sub.Subscriptions()
	// A new subscriber on the same callback server, as after a restart.
	fx.sub.mu.Lock()
	fx.sub.byToken, fx.sub.byFeed = map[string]*Subscription{}, map[string]*Subscription{}
	fx.sub.mu.Unlock()
	if code := publish(t, req.Get("hub.callback"), Sign("sha256", req.Get("hub.secret"), body), body); code != http.StatusGone {
		t.Fatalf("forgotten subscription: status %d, want 410", code)
	}
	fx.sub.Restore(saved)
	if code := publish(t, req.Get("hub.callback"), Sign("sha256", req.Get("hub.secret"), body), body); code/100 != 2 {
		t.Errorf("restored subscription: status %d", code)
	}
}

func TestRefusals(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	if err := fx.sub.Subscribe(ctx, "f", topic, "http://hub.example.org/"); !errors.Is(err, ErrInsecureHub) {
		t.Errorf("plain-HTTP hub: %v, want ErrInsecureHub", err)
	}
	fx.hub.mu.Lock()
	fx.hub.down = true
	fx.hub.mu.Unlock()
	if err := fx.sub.Subscribe(ctx, "f", topic, fx.hub.srv.URL); err == nil || !strings.Contains(err.Error(), `feed "f"`) {
		t.Errorf("hub down: %v, want an error that names the feed", err)
	}
	if _, err := New(Options{CallbackURL: "/websub", Deliver: func(context.Context, Notification) error { return nil }}); err == nil {
		t.Error("a relative callback URL was accepted")
	}
}

func TestVerify(t *testing.T) {
	for _, m := range []string{"sha1", "sha256", "sha384", "sha512"} {
		if err := Verify(Sign(m, "s", body), "s", body); err != nil {
			t.Errorf("%s: %v", m, err)
		}
		if err := Verify(strings.ToUpper(m[:1])+Sign(m, "s", body)[1:], "s", body); err != nil {
			t.Errorf("%s, method in capitals: %v", m, err)
		}
	}
	if err := Verify("", "s", body); !errors.Is(err, ErrUnsigned) {
		t.Errorf("unsigned: %v", err)
	}
	if err := Verify("sha256", "s", body); !errors.Is(err, ErrUnknownAlgo) {
		t.Errorf("no '=': %v", err)
	}
	if err := Verify(Sign("sha256", "t", body), "s", body); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	fx := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fx.sub.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}
