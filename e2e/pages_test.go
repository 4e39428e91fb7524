package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// statement is one entry of a served list page, with the text of its own
// page.
type statement struct {
	ID, Title, Date, Text string
	// Status, when set, is how the statement's own page answers instead.
	Status int
}

// pages serves a ministry's site as the Belarus one is built: a list page
// at /ru/press/statements/ that declares windows-1251 and is UTF-8, with
// relative links to statement pages in real windows-1251. Tests rewrite
// the list, switch to a redesigned layout, and count statement requests.
type pages struct {
	mu         sync.Mutex
	list       []statement
	redesigned bool
	requests   map[string]int
}

func newPages(t *testing.T) (*pages, string) {
	p := &pages{requests: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *pages) set(redesigned bool, ss ...statement) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list, p.redesigned = append([]statement(nil), ss...), redesigned
}

// servedAll counts the statement pages served, whichever they were.
func (p *pages) servedAll() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.requests {
		n += c
	}
	return n
}

func (p *pages) served(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[id]
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=windows-1251")
	if r.URL.Path == "/ru/press/statements/" {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html lang="ru"><head><meta charset="windows-1251"><title>Заявления</title></head><body><main class="main"><div class="tabs">`)
		for _, s := range p.list {
			if p.redesigned {
				fmt.Fprintf(&b, `<article class="news-card"><a href="%s.html">%s</a></article>`, s.ID, s.Title)
				continue
			}
			fmt.Fprintf(&b, `<a href="%s.html" class="tabs-content__item"><h2 class="tabs-content__head">%s</h2><span class="date _small">%s</span></a>`,
				s.ID, s.Title, s.Date)
		}
		b.WriteString(`</div></main></body></html>`)
		w.Write([]byte(b.String()))
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/ru/press/statements/"), ".html")
	p.requests[id]++
	for _, s := range p.list {
		if s.ID == id && s.Status != 0 {
			http.Error(w, "unavailable", s.Status)
			return
		}
		if s.ID == id {
			page := fmt.Sprintf(`<html><head><meta charset="windows-1251"><title>%s</title></head><body><section class="content-page"><h1>%s</h1><p>%s</p></section></body></html>`, s.Title, s.Title, s.Text)
			b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(page))
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Write(b)
			return
		}
	}
	http.NotFound(w, r)
}

const pagesConfig = `state: state.db
schedule: "@every 1s"
feeds:
  - name: mfa-by-statements
    url: "%s/ru/press/statements/"
    lang: ru
    html:
      item: "a.tabs-content__item"
      title: "h2"
      link: "@href"
      date: "span.date._small"
      follow: true
      content: "section.content-page"
lists:
  nato: [NATO, НАТО]
destinations:
  analysts:
    type: slack
    token: ${SLACK_BOT_TOKEN}
    channel: "C0123456789"
    api_url: %s
default_notify: [analysts]
health_notify: [analysts]
rules:
  - name: nato
    description: NATO in a ministry's statement
    query: '@nato'
    severity: high
`

func TestANewStatementOnAListPageArrivesInSlackWithItsPagesText(t *testing.T) {
	t.Parallel()
	pg, base := newPages(t)
	s := &site{t: t, dir: t.TempDir(), slack: newFakeSlack(t)}
	s.writeConfig(fmt.Sprintf(pagesConfig, base, s.slack.url()))

	old := []statement{
		{ID: "a1b2c3", Title: "О встрече с Послом Литовской Республики", Date: "01.11.2024", Text: "Обсуждены вопросы НАТО."},
		{ID: "d4e5f6", Title: "Комментарий пресс-секретаря", Date: "31.10.2024", Text: "О визовом режиме."},
	}
	pg.set(false, old...)
	if out := s.once(); !strings.Contains(out, "first poll") || s.slack.count() != 0 {
		t.Fatalf("the first poll sent %d messages:\n%s", s.slack.count(), out)
	}
	if pg.served("a1b2c3")+pg.served("d4e5f6") != 0 {
		t.Error("the first poll read the pages of items it records without alerts")
	}

	fresh := statement{ID: "f7a8b9", Title: "Заявление МИД Республики Беларусь", Date: "2 ноября 2024",
		Text: "Наращивание сил НАТО у западных границ Союзного государства вызывает обеспокоенность."}
	pg.set(false, append([]statement{fresh}, old...)...)
	s.once()
	s.slack.mu.Lock()
	msgs := append([]message(nil), s.slack.accepted...)
	s.slack.mu.Unlock()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want the one new statement", len(msgs))
	}
	all := msgs[0].Text + "\n" + msgs[0].Blocks
	for _, want := range []string{
		"Заявление МИД Республики Беларусь",       // the title, decoded from the lying list page
		base + "/ru/press/statements/f7a8b9.html", // the relative link, made absolute
		"mfa-by-statements", // the feed
		"nato",              // the rule
		"2024-11-02",        // the list page's date
		"*НАТО*",            // the hit, in bold, from the windows-1251 page
		"у западных границ Союзного государства", // the snippet comes from the statement's own page
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the Slack message does not show %q:\n%s", want, all)
		}
	}
	if n := pg.served("f7a8b9"); n != 1 {
		t.Errorf("the new statement's page was read %d times, want once", n)
	}

	s.once()
	if n := s.slack.count(); n != 1 || pg.served("f7a8b9") != 1 || pg.served("a1b2c3") != 0 {
		t.Errorf("a poll with nothing new sent %d messages in all and read pages again: %v", n, pg.requests)
	}

	pg.set(true, append([]statement{fresh}, old...)...)
	s.onceExit(1) // a page whose selectors match nothing is a failed feed
	s.slack.mu.Lock()
	last := s.slack.accepted[len(s.slack.accepted)-1]
	count := len(s.slack.accepted)
	s.slack.mu.Unlock()
	// Slack shows "_" as a look-alike, so that it never turns into italics.
	if count != 2 || !strings.Contains(last.Text+last.Blocks, "mfa-by-statements is failing: selectorsˍmatchedˍnothing") ||
		!strings.Contains(last.Blocks, "matched no element") {
		t.Errorf("after a redesign, %d messages in all, the last:\n%s\nwant one feed-health alert", count, last.Text+last.Blocks)
	}
}
