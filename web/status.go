package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// alertLimit is how many of the latest alerts the status page lists.
const alertLimit = 50

//go:embed templates/status.html
var templateFS embed.FS

// statusTemplate renders the page. Feed text reaches it only as strings,
// which html/template escapes for their context; nothing from a feed is
// ever template.HTML, and links come through safeLink.
var statusTemplate = template.Must(template.ParseFS(templateFS, "templates/status.html"))

// page is what the status page shows, already formatted.
type page struct {
	Title       string
	Generated   stamp
	MetricsLink bool

	Feeds    []feedRow
	FeedsErr string
	Summary  feedSummary

	Alerts     []alertRow
	AlertsErr  string
	AlertLimit int
	// Filters are the views of the alerts by status, as `attache alerts
	// list --status` gives them; Filter is the one shown ("" for all).
	Filters []filterLink
	Filter  string

	Rules    []ruleRow
	RulesErr string
	Feedback bool // the rules show readers' verdicts
	// Stories are the last day's stories of several reports.
	Stories    []storyRow
	StoriesErr string
	HasStories bool
	// Degraded lists what works only in part (a Slack app reconnecting).
	Degraded []string

	// Polling lists the adaptive schedules; TTA the last day's times to
	// alert by source. HasTTA says the section is shown.
	Polling []pollingRow
	TTA     []ttaRow
	TTAErr  string
	HasTTA  bool

	// Replicas is set with a shared state: every process sharing it.
	Replicas    []replicaRow
	ReplicasErr string
	Shared      bool
}

// stamp is a time as the page shows it: zero times show as Never.
type stamp struct {
	Zero bool
	ISO  string // for the datetime attribute
	Text string // in the page's time zone
	Ago  string // "5m ago"
}

// feedSummary counts the configured feeds by state (every feed, when there
// is no configuration to go by), and the feeds listed that are no longer
// configured.
type feedSummary struct {
	Total, OK, Failing, NeverPolled int
	Removed                         int
}

type feedRow struct {
	Name        string
	State       string // ok, failing or never: the CSS class
	StateText   string
	Note        string
	LastPoll    stamp
	LastSuccess stamp
	LastError   string
	Items       int
}

type alertRow struct {
	Queued      stamp
	Severity    string
	Title       string
	Link        string // empty unless http(s)
	Feed        string
	Rules       []string
	Destination string
	State       string // queued, in_flight, delivered, dead: the CSS class
	StateText   string
	Detail      string
	Attempts    int
	LastError   string
}

type filterLink struct {
	Name, Href string
	Current    bool
}

// alertScanForFilter bounds the latest alerts read to find alertLimit of
// one status.
const alertScanForFilter = 5000

type ruleRow struct {
	Name   string
	Alerts int
	Note   string
	// Useful, NotRelevant and Precision are readers' verdicts from Slack
	// over the last 7 days; empty without feedback.
	Useful, NotRelevant, Precision string
}

func (s *server) status(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), statusTimeout)
	defer cancel()
	now := s.now()
	p := page{
		Title:       s.title,
		Generated:   s.stamp(now, now),
		MetricsLink: s.metrics,
		AlertLimit:  alertLimit,
	}

	// Each section is read on its own: a page that shows what it could read
	// is more use, when something is wrong, than an error page.
	failed := false
	fail := func(what string, err error) string {
		failed = true
		s.log.Warn("status page: read "+what, keyError, err, keyPath, r.URL.Path)
		return fmt.Sprintf("Could not read the %s: %v", what, err)
	}
	if states, err := s.src.FeedStates(ctx); err != nil {
		p.FeedsErr = fail("feeds", err)
	} else {
		p.Feeds, p.Summary = s.feedRows(s.feeds, states, now)
	}
	p.Filter = r.URL.Query().Get("status")
	if !slices.Contains(attache.AlertStatuses, attache.AlertStatus(p.Filter)) {
		p.Filter = ""
	}
	p.Filters = append(p.Filters, filterLink{Name: "all", Href: "/#alerts", Current: p.Filter == ""})
	for _, st := range attache.AlertStatuses {
		p.Filters = append(p.Filters, filterLink{Name: string(st), Href: "/?status=" + string(st) + "#alerts", Current: p.Filter == string(st)})
	}
	limit := alertLimit
	if p.Filter != "" {
		limit = alertScanForFilter
	}
	if alerts, err := s.src.Alerts(ctx, limit); err != nil {
		p.AlertsErr = fail("alerts", err)
	} else {
		if p.Filter != "" {
			alerts = slices.DeleteFunc(alerts, func(a attache.Alert) bool { return string(a.Status) != p.Filter })
			alerts = alerts[:min(len(alerts), alertLimit)]
		}
		p.Alerts = s.alertRows(alerts, now)
	}
	if counts, err := s.src.RuleCounts(ctx); err != nil {
		p.RulesErr = fail("rule counts", err)
	} else {
		p.Rules = ruleRows(s.rules, counts)
	}
	if s.feedback != nil && p.RulesErr == "" {
		p.Feedback = true
		if fb, err := s.feedback(ctx, now.Add(-7*24*time.Hour)); err != nil {
			p.RulesErr = fail("feedback", err)
		} else {
			withFeedback(p.Rules, fb)
		}
	}
	if s.degraded != nil {
		p.Degraded = s.degraded()
	}
	if s.stories != nil {
		p.HasStories = true
		if st, err := s.stories(ctx, now); err != nil {
			p.StoriesErr = fail("stories", err)
		} else {
			p.Stories = s.storyRows(st, now)
		}
	}

	if s.polling != nil {
		p.Polling = s.pollingRows(s.polling(), now)
	}
	if s.timeToAlert != nil {
		p.HasTTA = true
		if ts, err := s.timeToAlert(ctx, now); err != nil {
			p.TTAErr = fail("times to alert", err)
		} else {
			p.TTA = ttaRows(ts)
		}
	}
	if s.replicas != nil {
		p.Shared = true
		if rs, err := s.replicas(ctx); err != nil {
			p.ReplicasErr = fail("replicas", err)
		} else {
			p.Replicas = s.replicaRows(rs, now)
		}
	}

	var buf bytes.Buffer
	if err := statusTemplate.Execute(&buf, p); err != nil {
		s.log.Error("status page: render", keyError, err)
		plain(w, http.StatusInternalServerError, "internal error: the status page could not be rendered")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// No script may run here, whatever a feed manages to put in the page.
	h.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	if failed {
		w.WriteHeader(http.StatusInternalServerError)
	}
	w.Write(buf.Bytes())
}

// feedRows lists the configured feeds in the configuration's order, then
// those the store remembers that are no longer configured, by name. The
// summary counts the configured feeds, or every feed when there is no
// configuration to go by.
func (s *server) feedRows(config func() []string, states []store.FeedState, now time.Time) ([]feedRow, feedSummary) {
	var configured []string
	if config != nil {
		configured = config()
	}
	byName := make(map[string]store.FeedState, len(states))
	for _, st := range states {
		byName[st.Feed] = st
	}
	var (
		rows   []feedRow
		sum    feedSummary
		listed = make(map[string]bool, len(configured))
	)
	count := func(row feedRow) {
		sum.Total++
		switch row.State {
		case "ok":
			sum.OK++
		case "failing":
			sum.Failing++
		default:
			sum.NeverPolled++
		}
	}
	for _, name := range configured {
		if listed[name] {
			continue
		}
		listed[name] = true
		st, ok := byName[name]
		if !ok {
			st = store.FeedState{Feed: name}
		}
		row := s.feedRow(st, now)
		count(row)
		rows = append(rows, row)
	}
	for _, st := range states { // already by name
		if listed[st.Feed] {
			continue
		}
		row := s.feedRow(st, now)
		if config != nil {
			row.Note = "not in the configuration"
			sum.Removed++
		} else {
			count(row)
		}
		rows = append(rows, row)
	}
	return rows, sum
}

func (s *server) feedRow(st store.FeedState, now time.Time) feedRow {
	row := feedRow{
		Name:        st.Feed,
		LastPoll:    s.stamp(st.LastPoll, now),
		LastSuccess: s.stamp(st.LastSuccess, now),
		Items:       st.Items,
	}
	// The store keeps the last error after a success; a feed that has
	// recovered is shown without it.
	if st.ConsecutiveErrors > 0 {
		row.LastError = st.LastError
	}
	switch {
	case !st.Known || st.LastPoll.IsZero():
		row.State, row.StateText = "never", "not polled yet"
	case st.ConsecutiveErrors > 0:
		row.State, row.StateText = "failing", fmt.Sprintf("failing %d %s", st.ConsecutiveErrors,
			plural(st.ConsecutiveErrors, "time", "times"))
	default:
		row.State, row.StateText = "ok", "ok"
	}
	if st.Known && !st.LastPoll.IsZero() && !st.Baselined {
		row.Note = "no baseline yet"
	}
	return row
}

func (s *server) alertRows(alerts []attache.Alert, now time.Time) []alertRow {
	rows := make([]alertRow, 0, len(alerts))
	for _, a := range alerts {
		row := alertRow{
			Queued:      s.stamp(a.Queued, now),
			Severity:    a.Severity().String(),
			Title:       a.Item.Title,
			Link:        safeLink(a.Item.Link),
			Feed:        a.Item.Feed,
			Destination: a.Destination,
			State:       string(a.Status),
			Attempts:    a.Attempts,
			LastError:   a.LastError,
		}
		if strings.TrimSpace(row.Title) == "" {
			row.Title = "(untitled: " + a.Item.Key + ")"
		}
		for _, m := range a.Matches {
			if !slices.Contains(row.Rules, m.Rule) {
				row.Rules = append(row.Rules, m.Rule)
			}
		}
		switch a.Status {
		case attache.AlertQueued:
			row.StateText = "queued"
			if a.Attempts > 0 {
				row.Detail = fmt.Sprintf("%d failed %s, next %s", a.Attempts,
					plural(a.Attempts, "attempt", "attempts"), s.stamp(a.NextAttempt, now).Text)
			}
		case attache.AlertInFlight:
			row.StateText = "in flight"
			row.Detail = fmt.Sprintf("attempt %d", a.Attempts)
		case attache.AlertDelivered:
			row.StateText = "delivered"
			if !a.Delivered.IsZero() {
				row.Detail = s.stamp(a.Delivered, now).Text
			}
		case attache.AlertDead:
			row.StateText = "dead"
			row.Detail = fmt.Sprintf("after %d %s", a.Attempts, plural(a.Attempts, "attempt", "attempts"))
		case attache.AlertMuted:
			row.StateText = "muted"
			row.Detail = strings.TrimPrefix(a.LastError, "muted: ")
		default:
			row.State, row.StateText = "unknown", string(a.Status)
		}
		rows = append(rows, row)
	}
	return rows
}

// ruleRows lists the configured rules in the configuration's order, then
// rules that alerted within retention and are no longer configured, by name.
func ruleRows(config func() []string, counts map[string]int) []ruleRow {
	var configured []string
	if config != nil {
		configured = config()
	}
	var rows []ruleRow
	listed := make(map[string]bool, len(configured))
	for _, name := range configured {
		if listed[name] {
			continue
		}
		listed[name] = true
		rows = append(rows, ruleRow{Name: name, Alerts: counts[name]})
	}
	var gone []string
	for name := range counts {
		if !listed[name] {
			gone = append(gone, name)
		}
	}
	slices.Sort(gone)
	for _, name := range gone {
		row := ruleRow{Name: name, Alerts: counts[name]}
		if config != nil {
			row.Note = "not in the configuration"
		}
		rows = append(rows, row)
	}
	return rows
}
