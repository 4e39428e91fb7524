package rules

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.query)
	}
	for _, q := range []string{"(a", "a)", `"a`, "/a", "NEAR/", "a NEAR/3", "title:", "@", "=", "-", "*",
		"a AND (b OR NOT c) NEAR/2 d", "\xff\xfe", "титул:НАТО", `/\/+/`, "=\"a b\"", "北约*"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %v is not a *SyntaxError", q, err)
			}
			if se.Offset < 0 || se.Offset > len(q) {
				t.Fatalf("Parse(%q): offset %d lies outside the query", q, se.Offset)
			}
			return
		}
		_ = n.String()
		m, err := Compile([]Rule{{Name: "r", Query: q}}, testLists)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile(%q): %v", q, err)
			}
			return
		}
		m.Match(Document{Title: q, Summary: q})
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("NATO at the western borders", "<p>НАТО&nbsp;у западных границ</p>", "北约峰会", "en")
	f.Add("\xff\xfeNA\x00TO", "<script>", "&#0;&#xD800;", "ru")
	f.Add("ＮＡＴＯ ﬁ ㈱", "<b>NA</b>TO", "\u200b\u00ad", "fr")
	var rs []Rule
	for _, c := range matchCases {
		rs = append(rs, Rule{Name: c.name, Query: c.query})
	}
	m, err := Compile(rs, testLists)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, title, summary, category, lang string) {
		d := Document{Title: title, Summary: summary, Content: summary + title, Categories: []string{category, title}, Lang: lang, Link: title}
		a := Analyze(d)
		for _, x := range m.MatchAnalyzed(a) {
			for _, h := range x.Hits {
				text := a.Text(h.Field)
				if h.Start < 0 || h.End > len(text) || h.Start > h.End || text[h.Start:h.End] != h.Text {
					t.Fatalf("rule %q: hit %+v does not point into %q", x.Rule, h, text)
				}
			}
		}
	})
}
