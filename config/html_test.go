package config

import (
	"slices"
	"strings"
	"testing"
)

// htmlFeed is a feed entry with an html block, for cases that vary the
// block's lines.
func htmlFeed(block string) string {
	return "feeds:\n  - name: by\n    url: https://mfa.example/en/press/statements/\n    html:\n" + block
}

func TestAnHTMLFeedKeepsItsSelectors(t *testing.T) {
	path := writeConfig(t, withLog+htmlFeed(`      item: "a.tabs-content__item"
      title: h2
      link: "@href"
      date: span.date
      date_format: "02.01.2006"
      summary: p
      follow: true
      content: section.content-page
`)+"  - name: plain\n    url: https://e.org/feed\n")
	cfg, err := Load(path, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.Feeds[0].HTML
	if h == nil {
		t.Fatal("the html block was not kept")
	}
	got := []string{h.Item, h.Title, h.Link, h.Date, h.DateFormat, h.Summary, h.Content}
	want := []string{"a.tabs-content__item", "h2", "@href", "span.date", "02.01.2006", "p", "section.content-page"}
	if !slices.Equal(got, want) || !h.Follow {
		t.Errorf("selectors = %q, follow %v; want %q, follow true", got, h.Follow, want)
	}
	if cfg.Feeds[1].HTML != nil {
		t.Error("a feed without html has selectors")
	}
}

func TestHTMLProblemsAreReportedAtTheirValue(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  []string
	}{
		{"a selector that does not compile gives cascadia's reason at its value",
			"      item: \"a..item\"\n",
			[]string{`5:13: feeds[0].html.item: invalid CSS selector "a..item": expected identifier, found . instead`}},
		{"a bad title selector points at the title",
			"      item: li\n      title: \"h2 >\"\n",
			[]string{`6:14: feeds[0].html.title: invalid CSS selector "h2 >": expected selector, found EOF instead`}},
		{"an unknown pseudo-class is refused",
			"      item: \"li:first\"\n",
			[]string{`5:13: feeds[0].html.item: invalid CSS selector "li:first": unknown pseudoclass or pseudoelement :first`}},
		{"a link with an empty attribute is refused",
			"      item: li\n      link: \"a@\"\n",
			[]string{`6:13: feeds[0].html.link: "a@": after @ comes an attribute name, such as href or datetime`}},
		{"item is required",
			"      title: h2\n",
			[]string{`5:7: feeds[0].html: missing required key "item"`}},
		{"an unknown key names the known ones",
			"      item: li\n      body: div\n",
			[]string{`6:7: feeds[0].html: unknown key "body": known keys are item, title, link, date, date_format, summary, follow, content`}},
		{"a selector given as a list is a wrong type",
			"      item: [li, div]\n",
			[]string{`5:13: feeds[0].html.item: want a string, got a list`}},
		{"follow must be true or false",
			"      item: li\n      follow: sometimes\n      content: div\n",
			[]string{`6:15: feeds[0].html.follow: want true or false, got "sometimes"`}},
		{"follow without content is refused at follow",
			"      item: li\n      follow: true\n",
			[]string{`6:15: feeds[0].html.follow: follow: true needs content: the selector of the text on each item's page`}},
		{"content without follow is refused at content",
			"      item: li\n      content: div.text\n",
			[]string{`6:16: feeds[0].html.content: content is read on each item's page: set follow: true as well`}},
		{"a strftime date_format is refused with an example",
			"      item: li\n      date: span\n      date_format: \"%d.%m.%Y\"\n",
			[]string{`7:20: feeds[0].html.date_format: "%d.%m.%Y" is not a Go layout with year, month and day (strftime patterns such as %d.%m.%Y are not understood): write the reference date Mon Jan 2 15:04:05 2006 as the page writes dates, such as 02.01.2006 or January 2, 2006`}},
		{"date_format without date is refused",
			"      item: li\n      date_format: \"02.01.2006\"\n",
			[]string{`6:20: feeds[0].html.date_format: date_format needs date: the selector of the item's date`}},
		{"an empty selector is refused",
			"      item: li\n      summary: \"\"\n",
			[]string{`6:16: feeds[0].html.summary: must not be empty: give a selector, or leave the key out`}},
		{"html given as a string is a wrong type",
			"        a.item\n",
			[]string{`5:9: feeds[0].html: want a mapping with keys such as item, title, link, date, date_format, summary, follow, content, got a string`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problems(t, htmlFeed(tt.block)); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
