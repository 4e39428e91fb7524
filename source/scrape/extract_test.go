package scrape

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const listPage = `<!DOCTYPE html><html lang="ru-RU"><head><base href="/ru/press/"><title>Заявления</title></head><body>
<nav><a href="/ru/">Главная</a></nav>
<div class="news">
  <a class="news__item" href="statement-1.html" title="Заявление 1">
    <h2>Заявление МИД
      в связи с учениями НАТО</h2>
    <span class="date">2&nbsp;ноября 2024</span>
    <p>Краткое <b>содержание</b>.</p>
  </a>
  <a class="news__item" href="https://mfa.example/ru/press/statement-2.html">
    <h2>Второе заявление</h2><span class="date"></span>
  </a>
  <a class="news__item"></a>
  <div class="news__item"><time datetime="2024-11-02T10:00:00+03:00">вчера</time> <a href="three.html">Третье</a></div>
</div>
<script>var news__item = "not an item";</script>
</body></html>`

func parse(t *testing.T, page string) *html.Node {
	t.Helper()
	root, err := ParseHTML([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func spec(t *testing.T, item string, fields map[string]string) *Spec {
	t.Helper()
	sel, err := CompileSelector(item)
	if err != nil {
		t.Fatal(err)
	}
	s := &Spec{Item: sel}
	for key, dst := range map[string]*Value{"title": &s.Title, "link": &s.Link, "date": &s.Date, "summary": &s.Summary, "content": &s.Content} {
		if fields[key] != "" {
			v, err := ParseValue(fields[key])
			if err != nil {
				t.Fatal(err)
			}
			*dst = v
		}
	}
	return s
}

func TestItemsAreReadFromEachMatchInDocumentOrder(t *testing.T) {
	root := parse(t, listPage)
	s := spec(t, ".news__item", map[string]string{"title": "h2", "date": "span.date", "summary": "p"})
	got, matched := s.Items(root)
	if matched != 4 {
		t.Errorf("matched %d elements, want 4", matched)
	}
	want := []Entry{
		{Title: "Заявление МИД в связи с учениями НАТО", Link: "statement-1.html", Date: "2 ноября 2024", Summary: "Краткое содержание."},
		{Title: "Второе заявление", Link: "https://mfa.example/ru/press/statement-2.html"},
		{Title: "", Link: "three.html"},
	}
	if len(got) != len(want) {
		t.Fatalf("entries = %+v, want %d (the empty element is no item)", got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestLinksAndTitlesHaveUsefulDefaultsAndForms(t *testing.T) {
	root := parse(t, listPage)
	tests := []struct {
		name   string
		fields map[string]string
		first  Entry
		third  Entry
	}{
		{"no title or link: the item's text and its own or first href", nil,
			Entry{Title: "Заявление МИД в связи с учениями НАТО 2 ноября 2024 Краткое содержание.", Link: "statement-1.html"},
			Entry{Title: "вчера Третье", Link: "three.html"}},
		{"@attr reads the item's own attribute", map[string]string{"title": "@title", "link": "@href"},
			Entry{Title: "Заявление 1", Link: "statement-1.html"},
			Entry{}},
		{"SELECTOR@attr reads a descendant's attribute, or the item's when it matches", map[string]string{"title": "a", "link": "a@href", "date": "time@datetime"},
			Entry{Title: "Заявление МИД в связи с учениями НАТО 2 ноября 2024 Краткое содержание.", Link: "statement-1.html"},
			Entry{Title: "Третье", Link: "three.html", Date: "2024-11-02T10:00:00+03:00"}},
		{"a link selector without @ takes the href, else the text", map[string]string{"title": "a", "link": "time"},
			Entry{Title: "Заявление МИД в связи с учениями НАТО 2 ноября 2024 Краткое содержание."},
			Entry{Title: "Третье", Link: "вчера"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := spec(t, ".news__item", tt.fields).Items(root)
			if got[0] != tt.first {
				t.Errorf("first = %+v\nwant  %+v", got[0], tt.first)
			}
			if last := got[len(got)-1]; tt.third != (Entry{}) && last != tt.third {
				t.Errorf("last = %+v\nwant %+v", last, tt.third)
			}
		})
	}
}

func TestNothingMatchedIsToldApartFromEmptyMatches(t *testing.T) {
	root := parse(t, listPage)
	if got, matched := spec(t, "li.news-card", nil).Items(root); matched != 0 || len(got) != 0 {
		t.Errorf("a selector for another layout gave %d entries of %d matches", len(got), matched)
	}
	if got, matched := spec(t, "nav", map[string]string{"title": "h5", "link": "span@href"}).Items(root); matched != 1 || len(got) != 0 {
		t.Errorf("matches without title or link gave %+v of %d", got, matched)
	}
}

func TestTheParsersClonesOfAnUnclosedLinkAreNoItems(t *testing.T) {
	// The last item's </a> went into a comment: the parser re-opens the
	// link, class and href included, around every block that follows.
	page := `<div class="tabs">
<a href="one.html" class="item"><h2>One</h2></a>
<a href="two.html" class="item"><h2>Two</h2>
<!-- </a> <a href="three.html" class="item"><h2>Three</h2></a> -->
<div><p>Footer</p></div><section><p>More</p></section></div>
<a href="thumb.html" class="item"><img src="x.png"></a><a href="thumb.html" class="item"><h2>Titled</h2></a>`
	got, matched := spec(t, "a.item", map[string]string{"title": "h2"}).Items(parse(t, page))
	var titles []string
	for _, e := range got {
		titles = append(titles, e.Title+" "+e.Link)
	}
	if strings.Join(titles, ", ") != "One one.html, Two two.html, Titled thumb.html" || matched < 5 {
		t.Errorf("entries %q of %d matches: want One, Two and Titled only", titles, matched)
	}
}

const statementPage = `<html><body><section class="content-page">
<h1>Заявление</h1>
<p>Первый абзац о&nbsp;НАТО.</p><p>Второй
   абзац.</p>
<script>alert("НАТО в скрипте")</script><style>p{}</style>
<div class="inner"><p>Третий.</p></div>
</section><meta name="description" content="Описание"></body></html>`

func TestContentKeepsParagraphsAndSkipsScripts(t *testing.T) {
	root := parse(t, statementPage)
	tests := []struct{ content, want string }{
		{"section.content-page", "Заявление\nПервый абзац о НАТО.\nВторой абзац.\nТретий."},
		{"section.content-page p", "Первый абзац о НАТО.\n\nВторой абзац.\n\nТретий."},
		{"section.content-page, div.inner", "Заявление\nПервый абзац о НАТО.\nВторой абзац.\nТретий."},
		{"meta[name=description]@content", "Описание"},
		{"article.missing", ""},
	}
	for _, tt := range tests {
		s := spec(t, "li", map[string]string{"content": tt.content})
		if got := s.ContentOf(root); got != tt.want {
			t.Errorf("content %q = %q\nwant %q", tt.content, got, tt.want)
		}
	}
}

func TestBaseAndLangAreReadFromThePage(t *testing.T) {
	root := parse(t, listPage)
	if got := BaseHref(root); got != "/ru/press/" {
		t.Errorf("BaseHref = %q", got)
	}
	if got := Lang(root); got != "ru-RU" {
		t.Errorf("Lang = %q", got)
	}
	bare := parse(t, "<p>x</p>")
	if BaseHref(bare) != "" || Lang(bare) != "" {
		t.Error("a page without base or lang gave one")
	}
}

func TestDeeplyNestedPagesAreRefusedBeforeParsing(t *testing.T) {
	deep := strings.Repeat("<div>", MaxDepth+1)
	if _, err := ParseHTML([]byte(deep)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("ParseHTML of %d nested divs: %v, want ErrTooDeep", MaxDepth+1, err)
	}
	custom := strings.Repeat("<x-item>", MaxDepth+1)
	if _, err := ParseHTML([]byte(custom)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("unknown elements nest too: %v", err)
	}
	// Thousands of unclosed paragraphs, list items and line breaks are
	// ordinary old HTML, and closed elements do not add up.
	sloppy := strings.Repeat("<p>a<li>b<br><img src=x>", 5000) + strings.Repeat("<div><span>c</span></div>", 5000) + strings.Repeat("</div>", 5000)
	if _, err := ParseHTML([]byte(sloppy)); err != nil {
		t.Errorf("a sloppy but shallow page is refused: %v", err)
	}
}

func FuzzItems(f *testing.F) {
	f.Add(listPage, ".news__item", "h2", "@href", "span.date")
	f.Add(statementPage, "section p", "", "a", "time@datetime")
	f.Fuzz(func(t *testing.T, page, item, title, link, date string) {
		sel, err := CompileSelector(item)
		if err != nil {
			return
		}
		s := &Spec{Item: sel}
		for dst, src := range map[*Value]string{&s.Title: title, &s.Link: link, &s.Date: date} {
			if v, err := ParseValue(src); err == nil {
				*dst = v
			}
		}
		root, err := ParseHTML([]byte(page))
		if err != nil {
			return
		}
		entries, matched := s.Items(root)
		if len(entries) > matched {
			t.Fatalf("%d entries from %d matches", len(entries), matched)
		}
	})
}
