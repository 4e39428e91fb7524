package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/web"
)

func TestStatusPageListsTheReplicasAndTheirLeases(t *testing.T) {
	s := openStore(t)
	replicas := []store.Replica{
		{ID: "node-a-1f2e", ConfigHash: "aaaa", Version: "v1.4", Started: now.Add(-time.Hour), Heartbeat: now.Add(-5 * time.Second), Alive: true, LeasedFeeds: 3, Destinations: []string{"analysts"}},
		{ID: "node-b-77c1", ConfigHash: "bbbb", Version: "v1.4", Started: now.Add(-time.Hour), Heartbeat: now.Add(-2 * time.Second), Alive: true},
		{ID: "node-c-0009", ConfigHash: "aaaa", Version: "v1.3", Started: now.Add(-2 * time.Hour), Heartbeat: now.Add(-10 * time.Minute)},
	}
	h := web.New(s, web.Options{Now: func() time.Time { return now },
		Replicas:      func(context.Context) ([]store.Replica, error) { return replicas, nil },
		OwnReplica:    func() string { return "node-a-1f2e" },
		OwnConfigHash: func() string { return "aaaa" }})
	doc, err := html.Parse(strings.NewReader(body(t, get(t, h, http.MethodGet, "/"))))
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, doc, "replicas")
	if len(rows) != 3 {
		t.Fatalf("replicas %q, want 3 rows", rows)
	}
	want := [][2]string{
		{"node-a-1f2e this process", "alive"},
		{"node-b-77c1", "alive"},
		{"node-c-0009", "silent"},
	}
	for i, w := range want {
		if rows[i][0] != w[0] || rows[i][1] != w[1] {
			t.Errorf("row %d: %q, want %q", i, rows[i][:2], w)
		}
	}
	if rows[0][4] != "3" || rows[0][5] != "analysts" {
		t.Errorf("this replica's leases %q, want 3 feeds and analysts", rows[0][4:6])
	}
	if !strings.Contains(rows[1][7], "differs from this process's") || strings.Contains(rows[2][7], "differs") {
		t.Errorf("configuration column %q / %q: want only the live replica with another hash flagged", rows[1][7], rows[2][7])
	}
}

func TestStatusPageSaysWhenTheReplicasCannotBeRead(t *testing.T) {
	s := openStore(t)
	h := web.New(s, web.Options{Replicas: func(context.Context) ([]store.Replica, error) {
		return nil, errors.New("connection refused")
	}})
	resp := get(t, h, http.MethodGet, "/")
	page := body(t, resp)
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(page, "Could not read the replicas: connection refused") {
		t.Errorf("status %d, page:\n%s", resp.StatusCode, page)
	}
}

func TestStatusPageOfOneProcessHasNoReplicas(t *testing.T) {
	page := body(t, get(t, statusHandler(openStore(t)), http.MethodGet, "/"))
	if strings.Contains(page, `id="replicas"`) {
		t.Error("a page without a shared state shows a replicas section")
	}
}

func TestStatusPageShowsAdaptivePollingAndTimeToAlert(t *testing.T) {
	s := openStore(t)
	h := web.New(s, web.Options{Now: func() time.Time { return now },
		Polling: func() []web.Polling {
			return []web.Polling{
				{Feed: "mid-telegram", Next: now.Add(90 * time.Second), Reason: "burst", SpentToday: 61, SpentYesterday: 140, Budget: 144},
				{Feed: "belta-ru", Next: now.Add(20 * time.Minute), Reason: "budget", SpentToday: 150, Budget: 144},
			}
		},
		TimeToAlert: func(context.Context, time.Time) ([]web.TimeToAlert, error) {
			return []web.TimeToAlert{{Feed: "mid-telegram", Median: 75 * time.Second, P95: 4*time.Minute + 10*time.Second, Alerts: 12},
				{Feed: "belta-ru", Median: 9 * time.Minute, P95: 2*time.Hour + 5*time.Minute, Alerts: 3}}, nil
		}})
	doc, err := html.Parse(strings.NewReader(body(t, get(t, h, http.MethodGet, "/"))))
	if err != nil {
		t.Fatal(err)
	}
	polling := rowsOf(t, doc, "polling")
	if len(polling) != 2 || polling[0][0] != "mid-telegram" || polling[0][2] != "burst" || polling[0][3] != "61 of 144" || polling[1][3] != "150 of 144" {
		t.Errorf("polling rows %q", polling)
	}
	tta := rowsOf(t, doc, "time-to-alert")
	if len(tta) != 2 || tta[0][1] != "1m 15s" || tta[0][2] != "4m 10s" || tta[1][2] != "2h 5m" || tta[1][3] != "3" {
		t.Errorf("time-to-alert rows %q", tta)
	}
}

func TestStatusPageShowsFeedbackAndWhatIsDegraded(t *testing.T) {
	s := openStore(t)
	fillStore(t, s)
	h := web.New(s, web.Options{Now: func() time.Time { return now },
		Rules: func() []string { return []string{"nato-west", "csto"} },
		RuleFeedback: func(context.Context, time.Time) (map[string]store.FeedbackCount, error) {
			return map[string]store.FeedbackCount{"nato-west": {Useful: 3, NotRelevant: 1}}, nil
		},
		Degraded: func() []string { return []string{"Slack app of analysts reconnecting since 2026-12-03T10:00:00Z"} },
	})
	doc, err := html.Parse(strings.NewReader(body(t, get(t, h, http.MethodGet, "/"))))
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, doc, "rules")
	if len(rows) < 2 || rows[0][0] != "nato-west" || rows[0][2] != "3" || rows[0][3] != "1" || rows[0][4] != "0.75" || rows[1][2] != "" {
		t.Errorf("rules %q: want nato-west's verdicts and precision, none for csto", rows)
	}
	if !strings.Contains(text(doc), "degraded: Slack app of analysts reconnecting") {
		t.Errorf("the page does not say what is degraded:\n%s", text(doc))
	}
	resp := get(t, h, http.MethodGet, "/readyz")
	if b := body(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(b, "ready; degraded: Slack app of analysts") {
		t.Errorf("/readyz %d %q, want 200 and the degradation", resp.StatusCode, b)
	}
}
