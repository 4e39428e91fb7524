package story

import (
	"strings"
	"testing"
)

func TestCosmeticChangesAreNoRevision(t *testing.T) {
	base := Version{
		Title: `Хренин: у границ Беларуси — до 40 000 военных НАТО`,
		Text:  `<p>Министр обороны Виктор Хренин заявил: «Мы вынуждены реагировать».</p>`,
		Link:  "https://www.belta.by/society/view/khrenin-123/",
	}
	cases := map[string]Version{
		"spacing and line breaks": {Title: "Хренин:  у границ Беларуси —\nдо 40 000 военных НАТО", Text: base.Text, Link: base.Link},
		"no-break spaces":         {Title: "Хренин: у границ Беларуси\u00a0— до 40\u00a0000 военных НАТО", Text: base.Text, Link: base.Link},
		"dashes and quotes":       {Title: `Хренин: у границ Беларуси - до 40 000 военных НАТО`, Text: `<p>Министр обороны Виктор Хренин заявил: "Мы вынуждены реагировать".</p>`, Link: base.Link},
		"number grouping":         {Title: `Хренин: у границ Беларуси — до 40,000 военных НАТО`, Text: base.Text, Link: base.Link},
		"HTML only":               {Title: base.Title, Text: `<div class="x"><p><b>Министр</b> обороны Виктор&nbsp;Хренин заявил: «Мы вынуждены реагировать».</p></div>`, Link: base.Link},
		"ё for е and case":        {Title: `ХРЕНИН: у границ Беларуси — до 40 000 военных НАТО`, Text: base.Text, Link: base.Link},
		"soft hyphen":             {Title: "Хренин: у границ Бела\u00adруси — до 40 000 военных НАТО", Text: base.Text, Link: base.Link},
		"tracking parameters":     {Title: base.Title, Text: base.Text, Link: "http://belta.by/society/view/khrenin-123?utm_source=rss&utm_medium=feed#top"},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			if r, ok := Revise(base, v); ok {
				t.Errorf("a cosmetic change is taken for a revision:\n%s", r)
			}
		})
	}
}

func TestRevisionsAreDiffedWordByWord(t *testing.T) {
	old := Version{
		Title: "Khrenin: up to 40,000 NATO troops concentrated near Grodno",
		Text:  "<p>The minister said Belarus would respond. The troops are from Poland and Lithuania.</p>",
		Link:  "https://eng.belta.by/x",
	}
	new := Version{
		Title: "Khrenin: up to 50,000 NATO troops concentrated near Brest",
		Text:  "<p>The minister said Belarus would respond with exercises. The troops are from Poland and Lithuania.</p>",
		Link:  "https://eng.belta.by/y",
	}
	r, ok := Revise(old, new)
	if !ok {
		t.Fatal("a changed title and text are no revision")
	}
	if len(r.Title) != 2 || r.Title[0].Removed != "40,000" || r.Title[0].Added != "50,000" ||
		r.Title[1].Removed != "Grodno" || r.Title[1].Added != "Brest" {
		t.Errorf("title changes = %+v, want 40,000→50,000 and Grodno→Brest", r.Title)
	}
	if len(r.Text) != 1 || r.Text[0].Removed != "" || r.Text[0].Added != "with exercises" || r.Text[0].Before != "Belarus would respond" {
		t.Errorf("text changes = %+v, want one addition of %q after %q", r.Text, "with exercises", "Belarus would respond")
	}
	if r.Link != new.Link {
		t.Errorf("link = %q, want %q", r.Link, new.Link)
	}
	got := r.String()
	for _, want := range []string{`title: … Khrenin: up to | removed “40,000” | added “50,000” | NATO troops concentrated …`,
		`text: … Belarus would respond | added “with exercises” | The troops are …`, "link: now https://eng.belta.by/y"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered revision lacks %q:\n%s", want, got)
		}
	}
}

func TestRevisionRenderingIsBounded(t *testing.T) {
	var a, b []string
	for i := range 40 {
		a = append(a, "the same four words", "old"+strings.Repeat("x", i))
		b = append(b, "the same four words", "new"+strings.Repeat("y", i))
	}
	r, ok := Revise(Version{Text: strings.Join(a, " ")}, Version{Text: strings.Join(b, " ")})
	if !ok || len(r.Text) != 40 {
		t.Fatalf("got %d changes, want 40", len(r.Text))
	}
	s := r.String()
	if lines := strings.Count(s, "\n") + 1; lines != maxChanges+1 || !strings.Contains(s, "and 35 more changes") {
		t.Errorf("rendering has %d lines, want %d ending with a count of the rest:\n%s", lines, maxChanges+1, s)
	}
}

func TestNormalizeLink(t *testing.T) {
	same := []string{
		"https://www.mfa.gov.by/en/press/news/123/",
		"http://mfa.gov.by/en/press/news/123?utm_source=x&fbclid=y",
		"HTTPS://MFA.GOV.BY/en/press/news/123#section",
	}
	for _, l := range same[1:] {
		if a, b := NormalizeLink(same[0]), NormalizeLink(l); a != b {
			t.Errorf("NormalizeLink(%q) = %q, want %q", l, b, a)
		}
	}
	if NormalizeLink("https://tass.com/world?id=1") == NormalizeLink("https://tass.com/world?id=2") {
		t.Error("links that differ in a real parameter are taken for one")
	}
}
