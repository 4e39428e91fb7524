package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const htmlConfig = `state: state.db
feeds:
  - name: mfa-by-statements
    url: %s/ru/press/statements/
    html:
      item: a.tabs-content__item
      title: h2
      date: span.date._small
      follow: true
      content: section.content-page
lists:
  nato: [NATO, НАТО]
destinations:
  log: {type: console}
default_notify: [log]
rules:
  - name: nato-west
    query: '@nato AND "western borders"'
    severity: high
`

// htmlSite serves a ministry's list of 25 statements, newest first: only
// the newest names NATO, and only on its own page; the page of the 24th
// answers 503.
func htmlSite(t *testing.T) (string, *pages, string) {
	t.Helper()
	p, base := newPages(t)
	var list []statement
	for i := 25; i >= 1; i-- {
		s := statement{ID: fmt.Sprintf("s%d", i), Title: fmt.Sprintf("Statement %d on trade", i),
			Date: fmt.Sprintf("%02d.10.2024", i), Text: "Trade figures."}
		switch i {
		case 25:
			s.Title = "Statement by the Ministry on the situation in the region"
			s.Text = "The build-up of NATO forces near the western borders of the Union State is a threat."
		case 24:
			s.Status = http.StatusServiceUnavailable
		}
		list = append(list, s)
	}
	p.set(false, list...)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rules.yaml"), fmt.Sprintf(htmlConfig, base))
	return dir, p, base
}

func TestTestReadsAConfiguredListPageAndItsItemPages(t *testing.T) {
	dir, m, _ := htmlSite(t)
	r := attache(t, dir, "test", "mfa-by-statements")
	if r.code != 0 {
		t.Fatalf("code %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "nato-west") || !strings.Contains(r.stdout, "Statement by the Ministry on the situation in the region") ||
		!strings.Contains(r.stdout, `content: "NATO" matched`) {
		t.Errorf("the statement that names NATO only on its page was not shown as a match:\n%s", r.stdout)
	}
	for _, want := range []string{
		"mfa-by-statements: the selectors found 25 items",
		"reading the pages of the first 20 of 25 items",
		"[1] 2024-10-25T00:00:00Z  Statement by the Ministry on the situation in the region",
		"page not read, matched on its list-page text",
		"25 items, 1 matches",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if n := m.servedAll(); n != 20 {
		t.Errorf("%d item pages read, want the cap of 20", n)
	}
}

func TestTestTakesSelectorsAsFlagsForAnyURL(t *testing.T) {
	dir, _, base := htmlSite(t)
	url := base + "/ru/press/statements/?PAGEN_1=1" // not the configured feed's address
	r := attache(t, dir, "test", "--json", "--html-item", "a.tabs-content__item", "--html-title", "h2", "--html-follow", "--html-content", "section.content-page", url)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, `"feed":"`+url+`"`) {
		t.Fatalf("code %d, stdout %q; want one JSON match\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "the selectors found 25 items") {
		t.Errorf("stderr does not count the items:\n%s", r.stderr)
	}

	r = attache(t, dir, "test", "--html-item", "li.news-card", url)
	if r.code != 1 || !strings.Contains(r.stderr, "selectors_matched_nothing") || !strings.Contains(r.stderr, `"li.news-card" matched no element`) {
		t.Errorf("selectors for another layout: code %d\n%s", r.code, r.stderr)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--html-item", "a..b", url}, `--html-item: invalid CSS selector "a..b": expected identifier, found . instead`},
		{[]string{"--html-item", "a", "--html-follow", url}, "--html-follow: follow: true needs content"},
		{[]string{"--html-item", "a", "--html-date", "span", "--html-date-format", "%d.%m.%Y", url}, "--html-date-format: \"%d.%m.%Y\" is not a Go layout"},
		{[]string{"--html-item", "a"}, "the --html-* flags need a SOURCE"},
		{[]string{url, "--html-item", "a"}, "--html-item comes after a SOURCE: put the flags first"},
	} {
		if r := attache(t, dir, append([]string{"test"}, tt.args...)...); r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("attache test %q: code %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

func TestCheckReportsABadSelectorAtItsColumn(t *testing.T) {
	dir, _, _ := htmlSite(t)
	path := filepath.Join(dir, "rules.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "title: h2", "title: \"h2:first\"", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := attache(t, dir, "check")
	want := "rules.yaml:7:14: feeds[0].html.title: invalid CSS selector \"h2:first\": unknown pseudoclass or pseudoelement :first"
	if r.code != 2 || strings.TrimSpace(r.stderr) != want {
		t.Errorf("check: code %d, stderr %q; want 2 and %q", r.code, r.stderr, want)
	}
}
