package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

// specExample is SPEC §2's example, with a second feed and a second rule
// that leave out what can be left out.
const specExample = `state: attache.db            # SQLite file, relative to this file's folder
schedule: "@every 10m"       # default for all feeds
timezone: Europe/Moscow
backfill: 0s
retention: 90d
http:
  timeout: 45s
  max_body: 10MiB            # after decompression
  user_agent: "attache/test (+https://example.org)"

feeds:
  - name: kremlin-en
    url: http://en.kremlin.ru/events/all/feed
    lang: en
    schedule: "*/5 * * * *"
    tags: [russia]
  - name: mid-ru
    url: https://mid.ru/ru/rss.php
    lang: ru
    stale_after: 6h
    tags: [russia, ministries]

lists:
  nato: [NATO, "North Atlantic Alliance", НАТО, "Североатлантический альянс", 北约]
  west: [Poland, Lithuania, Latvia, "western borders", Польша, Литва, "западные границы"]

destinations:
  analysts:
    type: slack
    token: ${SLACK_BOT_TOKEN}
    channel: "C0123456789"
    api_url: https://slack.com/api/
  oncall:
    type: slack-webhook
    url: ${SLACK_WEBHOOK_URL}
    burst_limit: 5
  log:
    type: console

default_notify: [log]

rules:
  - name: nato-west
    description: NATO activity near the CSTO western borders
    query: '@nato AND (@west OR CSTO OR ОДКБ OR Belarus OR Беларусь)'
    feeds: [kremlin-en, russia]
    severity: high
    notify: [analysts, oncall]
  - name: csto
    query: CSTO OR ОДКБ
`

const (
	testToken   = "xoxb-1111-2222-SECRETTOKEN"
	testWebhook = "https://hooks.slack.com/services/T000/B000/SECRETHOOK"
)

// testEnv is the environment tests run with.
func testEnv(name string) (string, bool) {
	v, ok := map[string]string{
		"SLACK_BOT_TOKEN":   testToken,
		"SLACK_WEBHOOK_URL": testWebhook,
		"EMPTY":             "",
		"CHANNEL":           "C999",
	}[name]
	return v, ok
}

// equal compares values deeply; Secrets compare by value.
func equal(a, b any) bool { return reflect.DeepEqual(a, b) }

// writeConfig puts text in a rules.yaml of a fresh folder.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// problems loads text from a file and returns its problems as
// "LINE:COL: message", failing the test when the file loads.
func problems(t *testing.T, text string) []string {
	t.Helper()
	path := writeConfig(t, text)
	_, err := Load(path, testEnv)
	if err == nil {
		t.Fatalf("Load succeeded, want problems, for:\n%s", text)
	}
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error %v (%T) is not *Errors", err, err)
	}
	var out []string
	for _, e := range errs.List {
		if e.File != path {
			t.Errorf("error names file %q, want %q", e.File, path)
		}
		s, ok := strings.CutPrefix(e.Error(), path+":")
		if !ok {
			t.Errorf("error %q does not start with the file name", e.Error())
		}
		out = append(out, s)
	}
	return out
}

func TestLoadSpecExampleReadsEveryValue(t *testing.T) {
	path := writeConfig(t, specExample)
	c, err := Load(path, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !equal(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("Path", c.Path, path)
	check("State", c.State, filepath.Join(filepath.Dir(path), "attache.db"))
	check("Schedule", c.Schedule, "@every 10m")
	check("Timezone", c.Timezone.String(), "Europe/Moscow")
	check("Backfill", c.Backfill, time.Duration(0))
	check("Retention", c.Retention, 90*24*time.Hour)
	check("HTTP", c.HTTP, HTTP{Timeout: 45 * time.Second, MaxBody: 10 << 20, MaxText: attache.DefaultMaxText, UserAgent: "attache/test (+https://example.org)"})
	check("Feeds", c.Feeds, []attache.Feed{
		{Name: "kremlin-en", URL: "http://en.kremlin.ru/events/all/feed", Lang: "en", Schedule: "*/5 * * * *", StaleAfter: attache.DefaultStaleAfter, MaxNewItems: attache.DefaultMaxNewItems, Tags: []string{"russia"}},
		{Name: "mid-ru", URL: "https://mid.ru/ru/rss.php", Lang: "ru", Schedule: "@every 10m", StaleAfter: 6 * time.Hour, MaxNewItems: attache.DefaultMaxNewItems, Tags: []string{"russia", "ministries"}},
	})
	check("StaleAfter", c.StaleAfter, attache.DefaultStaleAfter)
	check("HealthNotify", c.HealthNotify, c.DefaultNotify)
	check("Lists", c.Lists, map[string][]string{
		"nato": {"NATO", "North Atlantic Alliance", "НАТО", "Североатлантический альянс", "北约"},
		"west": {"Poland", "Lithuania", "Latvia", "western borders", "Польша", "Литва", "западные границы"},
	})
	check("Destinations", c.Destinations, map[string]Destination{
		"analysts": {Name: "analysts", Type: TypeSlack, Token: testToken, Channel: "C0123456789", APIURL: "https://slack.com/api/", BurstLimit: 20},
		"oncall":   {Name: "oncall", Type: TypeSlackWebhook, URL: testWebhook, BurstLimit: 5},
		"log":      {Name: "log", Type: TypeConsole, BurstLimit: 20},
	})
	check("DefaultNotify", c.DefaultNotify, []string{"log"})
	check("Rules", c.Rules, []attache.Rule{
		{Name: "nato-west", Description: "NATO activity near the CSTO western borders",
			Query: "@nato AND (@west OR CSTO OR ОДКБ OR Belarus OR Беларусь)", Feeds: []string{"kremlin-en", "russia"},
			Severity: attache.SeverityHigh, Notify: []string{"analysts", "oncall"}},
		{Name: "csto", Query: "CSTO OR ОДКБ", Severity: attache.SeverityWarning, Notify: []string{"log"}},
	})
	check("Summary", c.Summary(), path+": 2 feeds, 2 lists, 2 rules, 3 destinations")
	check("FeedByName", c.FeedByName("mid-ru").URL, "https://mid.ru/ru/rss.php")
	check("FeedByName of an unknown feed", c.FeedByName("nope") == nil, true)
	check("RuleByName", c.RuleByName("csto").Query, "CSTO OR ОДКБ")
	check("RuleByName of an unknown rule", c.RuleByName("nope") == nil, true)
}

func TestMatcherHonoursRulesFeeds(t *testing.T) {
	c, err := Load(writeConfig(t, specExample), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		scopes []string
		want   []string
	}{
		{"a feed the rule names matches", []string{"kremlin-en"}, []string{"nato-west", "csto"}},
		{"a feed with a tag the rule names matches", []string{"mid-ru", "russia", "ministries"}, []string{"nato-west", "csto"}},
		{"another feed gets only the unscoped rule", []string{"elsewhere"}, []string{"csto"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := rules.Document{Title: "НАТО у западных границ ОДКБ", Scopes: tt.scopes}
			var got []string
			for _, m := range c.Matcher.Match(doc) {
				got = append(got, m.Rule)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("matched %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMinimalFileTakesEveryDefault(t *testing.T) {
	path := writeConfig(t, "feeds:\n  - name: f\n    url: feeds/local.xml\ndestinations:\n  log: {type: console}\nrules:\n  - {name: r, query: NATO, notify: [log]}\n")
	c, err := Load(path, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	got := []any{c.State, c.Schedule, c.Timezone, c.Backfill, c.Retention, c.HTTP, c.Feeds[0], c.Rules[0].Severity, c.Destinations["log"].BurstLimit}
	want := []any{filepath.Join(dir, "attache.db"), "@every 10m", time.UTC, time.Duration(0), 90 * 24 * time.Hour,
		HTTP{Timeout: 30 * time.Second, MaxBody: 10 << 20, MaxText: attache.DefaultMaxText, UserAgent: DefaultUserAgent},
		attache.Feed{Name: "f", URL: filepath.Join(dir, "feeds/local.xml"), Lang: "en", Schedule: "@every 10m", StaleAfter: attache.DefaultStaleAfter, MaxNewItems: attache.DefaultMaxNewItems},
		attache.SeverityWarning, 20}
	for i := range got {
		if !equal(got[i], want[i]) {
			t.Errorf("value %d = %#v, want %#v", i, got[i], want[i])
		}
	}
	if s := c.Summary(); s != path+": 1 feed, 0 lists, 1 rule, 1 destination" {
		t.Errorf("Summary() = %q", s)
	}
}

func TestDenyPrivateIsOffUnlessSetToTrue(t *testing.T) {
	tests := []struct {
		name string
		http string
		want bool
	}{
		{"left out, it is off", "http: {timeout: 10s}\n", false},
		{"an empty value leaves it off", "http:\n  deny_private:\n", false},
		{"true turns it on", "http:\n  deny_private: true\n", true},
		{"false keeps it off", "http:\n  deny_private: false\n", false},
		{"YAML's capitalised True is true", "http:\n  deny_private: True\n", true},
		{"a value from the environment is read as true or false", "http:\n  deny_private: \"${TRUTH}\"\n", true},
	}
	env := func(name string) (string, bool) {
		if name == "TRUTH" {
			return "true", true
		}
		return testEnv(name)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, tt.http+withLog), env)
			if err != nil {
				t.Fatal(err)
			}
			if c.HTTP.DenyPrivate != tt.want {
				t.Errorf("got DenyPrivate %v, want %v", c.HTTP.DenyPrivate, tt.want)
			}
		})
	}
}

func TestLoadOfAMissingFileIsNotAConfigurationError(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), testEnv)
	var errs *Errors
	if err == nil || errors.As(err, &errs) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file = %v, want an os.ErrNotExist that is not *Errors", err)
	}
}

func TestMergeKeysShareSettingsAndOwnKeysWin(t *testing.T) {
	yaml := `feeds:
  - &ru {name: kremlin-ru, url: "https://e.org/ru", lang: ru, tags: [russia]}
  - <<: *ru
    name: mid-ru
    url: https://e.org/mid
destinations: {log: {type: console}}
default_notify: [log]
`
	c, err := Load(writeConfig(t, yaml), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := attache.Feed{Name: "mid-ru", URL: "https://e.org/mid", Lang: "ru", Schedule: attache.DefaultSchedule, StaleAfter: attache.DefaultStaleAfter, MaxNewItems: attache.DefaultMaxNewItems, Tags: []string{"russia"}}
	if got := *c.FeedByName("mid-ru"); !equal(got, want) {
		t.Errorf("merged feed = %#v, want %#v", got, want)
	}
}

func TestMergingAnUnknownKeyIsReportedWhereItIsWritten(t *testing.T) {
	yaml := "feeds:\n  - <<: {url: \"https://e.org/a\", tag: [x]}\n    name: a\n  - <<: [3]\n    name: b\n    url: https://e.org/b\n"
	want := []string{
		`2:34: feeds[0]: unknown key "tag" merged in with <<: known keys are name, url, lang, schedule, stale_after, max_new_items, min_interval, max_interval, budget, timezone, tags, html, telegram, sitemap, json`,
		`4:10: feeds[1]: << merges a mapping, such as an alias *common, got a number`,
	}
	if got := problems(t, yaml); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAnAdaptiveFeedKeepsItsTimeZoneAndBounds: a feed's own time zone and
// bounds shape its adaptive schedule; the others take the top level's.
func TestAnAdaptiveFeedKeepsItsTimeZoneAndBounds(t *testing.T) {
	c, err := Parse([]byte("schedule: adaptive\ntimezone: Europe/Moscow\nmax_interval: 20m\nfeeds:\n"+
		"  - {name: a, url: https://e.org/a, timezone: Europe/Minsk, min_interval: 2m}\n"+
		"  - {name: b, url: https://e.org/b}\n"), "rules.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.FeedByName("a").Adaptive, c.FeedByName("b").Adaptive
	if a == nil || b == nil {
		t.Fatalf("adaptive specs %v, %v", a, b)
	}
	if a.Location.String() != "Europe/Minsk" || a.MinInterval != 2*time.Minute || a.MaxInterval != 20*time.Minute {
		t.Errorf("feed a: %+v", *a)
	}
	if b.Location.String() != "Europe/Moscow" || b.MinInterval != 0 || b.MaxInterval != 20*time.Minute {
		t.Errorf("feed b: %+v", *b)
	}
}
