package watcher

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

// TestAnEditOfAnAlertedStatementIsAReplyInItsThread: once its alert was
// delivered, a statement whose words change gets an alert in its thread
// saying what changed; a cosmetic edit (quotes, spacing, case) gets none;
// an edit that makes a second rule match names it.
func TestAnEditOfAnAlertedStatementIsAReplyInItsThread(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0, rules.Rule{Name: "nato", Query: "NATO"}, rules.Rule{Name: "brest", Query: "Brest"})
	srv := &feedServer{}
	srv.set(rss())
	ts := serve(t, srv.handler)
	feed := attache.Feed{Name: "mfa", URL: ts.URL}
	fx.p.Poll(ctx, feed)

	date := testNow.Add(-time.Hour)
	v1 := storyRSS("s1", "https://example.org/1", date, "NATO exercises near Grodno", "About 40,000 troops take part.")
	srv.set(v1)
	fx.p.Poll(ctx, feed)
	first := fx.queued(t)
	if len(first) != 1 {
		t.Fatalf("queued %d, want the statement's alert", len(first))
	}
	if err := fx.store.MarkInFlight(ctx, first[0].ID, fx.now); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.MarkDelivered(ctx, first[0].ID, fx.now); err != nil {
		t.Fatal(err)
	}

	// Cosmetic: quotes, spacing, case.
	srv.set(storyRSS("s1", "https://example.org/1", date, "NATO  exercises near grodno", "About 40,000  troops take part."))
	if out := fx.p.Poll(ctx, feed); out.Queued != 0 {
		t.Errorf("a cosmetic edit queued %d alerts", out.Queued)
	}

	srv.set(storyRSS("s1", "https://example.org/1", date, "NATO exercises near Grodno and Brest", "About 50,000 troops take part."))
	if out := fx.p.Poll(ctx, feed); out.Queued != 1 {
		t.Fatalf("the edit queued %d alerts, want 1", out.Queued)
	}
	edits := fx.queued(t)
	if len(edits) != 1 || edits[0].Thread == nil || edits[0].Thread.Parent != first[0].ID {
		t.Fatalf("edit %+v: want a reply to %s", edits, first[0].ID)
	}
	th := edits[0].Thread
	if !strings.Contains(th.Revision, "removed “40,000”") || !strings.Contains(th.Revision, "added “50,000”") || !strings.Contains(th.Why, "now also matches brest") {
		t.Errorf("revision %q, why %q", th.Revision, th.Why)
	}

	// The same words again: nothing more.
	fx.now = fx.now.Add(time.Minute)
	if out := fx.p.Poll(ctx, feed); out.Queued != 0 {
		t.Errorf("the edited statement, unchanged since, queued %d alerts", out.Queued)
	}
}
