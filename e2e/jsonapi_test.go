package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// newsAPI serves a government portal's news API: {"content": [{id, title,
// createdDate}]}, newest first.
type newsAPI struct {
	mu    sync.Mutex
	items []map[string]any
}

func (a *newsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Like the portal: the language in a header, the ministry in the query.
	if r.Header.Get("Accept-Language") != "ru" || r.URL.Query().Get("projects") != "eq:mfa" {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"content": a.items, "totalElements": len(a.items)})
}

// TestAJSONAPIIsASource: a `json:` source reads entries through JSONPath
// and a link template, with the request headers and query parameters the
// API wants; it is baselined like a feed, a new matching entry is
// alerted once, and an API whose items path selects nothing any more is a
// feed-health alert at once.
func TestAJSONAPIIsASource(t *testing.T) {
	t.Parallel()
	s := newSite(t, 20)
	api := &newsAPI{items: []map[string]any{{"id": 1, "title": "Weather in Astana", "createdDate": "2026-09-13T08:00:00"}}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	cfg := configText(s.url, s.slack.url(), 20, nil)
	cfg = strings.Replace(cfg, "health_notify: []", "health_notify: [analysts]", 1)
	cfg = strings.Replace(cfg, "feeds:\n", "feeds:\n  - name: kz-mfa\n    url: \""+srv.URL+"/api/news\"\n"+
		"    json: {items: \"$.content[*]\", title: \"$.title\", link: \"https://example.kz/news/{$.id}\", date: \"$.createdDate\",\n"+
		"           headers: {Accept-Language: ru}, query: {projects: \"eq:mfa\"}}\n", 1)
	s.writeConfig(cfg)
	s.baseline()

	api.mu.Lock()
	api.items = append([]map[string]any{{"id": 2, "title": "Statement on NATO exercises near the CSTO borders", "createdDate": "2026-09-14T09:00:00"}}, api.items...)
	api.mu.Unlock()
	s.once()
	msgs := s.slack.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Statement on NATO exercises") || !strings.Contains(msgs[0], "https://example.kz/news/2") {
		t.Fatalf("after the new entry Slack got %q, want its one alert with its link", msgs)
	}

	api.mu.Lock()
	api.items = nil // the API changed shape: no entries at the items path
	api.mu.Unlock()
	out := s.onceExit(1)
	if !strings.Contains(out, "feed=kz-mfa") || !strings.Contains(out, "result=selectors_matched_nothing") {
		t.Errorf("the changed API's log:\n%s", out)
	}
}
