package scrape

import (
	"slices"
	"strings"
	"testing"
)

func TestValuesAreASelectorAnAttributeOrBoth(t *testing.T) {
	tests := []struct {
		in, sel, attr string
	}{
		{"h2", "h2", ""},
		{"@href", "", "href"},
		{"a.title@href", "a.title", "href"},
		{"time@datetime", "time", "datetime"},
		{"span.date @ data-datetime", "span.date", "data-datetime"},
		{"a@HREF", "a", "href"},
		{`a[title="x@y"]`, `a[title="x@y"]`, ""},
		{`a[title='x@y']@title`, `a[title='x@y']`, "title"},
		{"ul.list1 li a, div.news a", "ul.list1 li a, div.news a", ""},
	}
	for _, tt := range tests {
		v, err := ParseValue(tt.in)
		if err != nil {
			t.Errorf("ParseValue(%q): %v", tt.in, err)
			continue
		}
		if v.sel.String() != tt.sel || v.attr != tt.attr || v.String() != tt.in {
			t.Errorf("ParseValue(%q) = selector %q, attr %q, written %q; want %q, %q", tt.in, v.sel.String(), v.attr, v.String(), tt.sel, tt.attr)
		}
	}
	if v, err := ParseValue("  "); err != nil || !v.IsZero() {
		t.Errorf("ParseValue of blanks = %+v, %v: want the zero value", v, err)
	}
}

func TestABadSelectorIsRefusedWithCascadiasReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a..b", `invalid CSS selector "a..b": expected identifier, found . instead`},
		{"div[", `invalid CSS selector "div[": expected identifier, found EOF instead`},
		{"li:first", `invalid CSS selector "li:first": unknown pseudoclass or pseudoelement :first`},
		{"h2@", `"h2@": after @ comes an attribute name, such as href or datetime`},
		{"a@1x", `"a@1x": after @ comes an attribute name, such as href or datetime`},
		{"div >", `invalid CSS selector "div >": expected selector, found EOF instead`},
	}
	for _, tt := range tests {
		_, err := ParseValue(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseValue(%q) error = %v, want %s", tt.in, err, tt.want)
		}
	}
	if _, err := CompileSelector(""); err == nil {
		t.Error("an empty item selector compiles")
	}
}

func TestSpecProblemsNameTheKeyTheyConcern(t *testing.T) {
	item, _ := CompileSelector("li")
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{"a complete spec has none", Spec{Item: item, Date: MustValue("span.date"), DateFormat: "02.01.2006", Follow: true, Content: MustValue("div.text")}, nil},
		{"no item selector", Spec{}, []string{"item"}},
		{"follow without content", Spec{Item: item, Follow: true}, []string{"follow"}},
		{"content without follow", Spec{Item: item, Content: MustValue("div.text")}, []string{"content"}},
		{"content as a bare attribute", Spec{Item: item, Follow: true, Content: MustValue("@title")}, []string{"content"}},
		{"a date format without a date", Spec{Item: item, DateFormat: "02.01.2006"}, []string{"date_format"}},
		{"a strftime date format", Spec{Item: item, Date: MustValue("span"), DateFormat: "%d.%m.%Y"}, []string{"date_format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range tt.spec.Problems() {
				keys = append(keys, p.Key)
				if strings.TrimSpace(p.Msg) == "" {
					t.Errorf("problem %q has no message", p.Key)
				}
			}
			if !slices.Equal(keys, tt.want) {
				t.Errorf("problems about %v, want %v", keys, tt.want)
			}
		})
	}
}
