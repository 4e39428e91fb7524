package watcher

import (
	"reflect"
	"testing"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

func TestEvaluateScopesRulesByFeedAndTagAndFillsWhatAlertsNeed(t *testing.T) {
	rs := []attache.Rule{
		{Name: "nato", Description: "NATO anywhere", Query: "NATO", Severity: attache.SeverityHigh, Notify: []string{"ops", "log"}},
		{Name: "russia-csto", Query: "CSTO", Feeds: []string{"russia"}, Severity: attache.SeverityInfo, Notify: []string{"log"}},
	}
	feeds := []attache.Feed{{Name: "kremlin", Tags: []string{"russia"}}, {Name: "nato-news"}}
	compiled := make([]rules.Rule, len(rs))
	for i, r := range rs {
		compiled[i] = rules.Rule{Name: r.Name, Query: r.Query, Scopes: r.Feeds}
	}
	m, err := rules.Compile(compiled, nil)
	if err != nil {
		t.Fatal(err)
	}
	set := NewRuleset(m, rs, feeds)
	items := []attache.Item{
		{Feed: "kremlin", Key: "1", Title: "NATO and the CSTO"},
		{Feed: "nato-news", Key: "2", Title: "CSTO exercise"}, // out of the CSTO rule's scope
		{Feed: "kremlin", Key: "3", Title: "Nothing to see"},
	}
	got := Evaluate(set, items)
	if len(got) != 1 || got[0].Item.Key != "1" {
		t.Fatalf("evaluated %+v, want only item 1", got)
	}
	want := []attache.Match{
		{Rule: "nato", Description: "NATO anywhere", Severity: attache.SeverityHigh},
		{Rule: "russia-csto", Severity: attache.SeverityInfo},
	}
	for i := range got[0].Matches {
		got[0].Matches[i].Hits = nil
	}
	if !reflect.DeepEqual(got[0].Matches, want) {
		t.Errorf("matches %+v, want %+v", got[0].Matches, want)
	}
	alerts := got[0].Alerts(set, testNow)
	if len(alerts) != 2 || alerts[0].Destination != "log" || len(alerts[0].Matches) != 2 ||
		alerts[1].Destination != "ops" || len(alerts[1].Matches) != 1 {
		t.Errorf("alerts %+v, want log naming both rules and ops naming nato", alerts)
	}
}
