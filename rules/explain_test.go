package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestExplainShowsFormsStemsAndWarnings(t *testing.T) {
	lists := map[string][]string{
		"belarus":  {"Беларусь", "Belarus"},
		"nato":     {"NATO", "МИД"},
		"activity": {"build-up", "ćwi*", "核", "Рыженков", "Лукашенко"},
	}
	rs := []Rule{{Name: "r", Query: `@nato AND (учения NOT NEAR/3 "exercise restraint") AND /nat\w+/ AND us`}}
	got, err := Explain(rs, lists)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]TermExplanation{}
	for _, e := range got {
		by[e.List+"|"+e.Rule+"|"+e.Term] = e
	}
	check := func(key, how string, matches []string, warning string) {
		t.Helper()
		e, ok := by[key]
		if !ok {
			t.Errorf("no explanation for %s", key)
			return
		}
		if e.Words[0].How != how {
			t.Errorf("%s: how %q, want %q", key, e.Words[0].How, how)
		}
		for _, m := range matches {
			if !slices.Contains(e.Words[0].Matches, m) {
				t.Errorf("%s: matches %v, want %q among them", key, e.Words[0].Matches, m)
			}
		}
		joined := strings.Join(e.Warnings, "\n")
		if warning == "" && joined != "" {
			t.Errorf("%s: warnings %q, want none", key, joined)
		}
		if warning != "" && !strings.Contains(joined, warning) {
			t.Errorf("%s: warnings %q, want one saying %q", key, joined, warning)
		}
	}
	check("belarus||Беларусь", "forms", []string{"беларусь", "беларуси", "беларусью"}, "")
	check("belarus||Belarus", "stem", []string{"belarus (en)"}, "")
	check("nato||NATO", "capitals", []string{"NATO", "Nato", "NATOs"}, "")
	check("nato||МИД", "capitals", []string{"МИДа", "МИДе"}, "")
	check("activity||build-up", "stem", []string{"build (en)"}, "is a phrase of 2 words")
	check("activity||ćwi*", "prefix", []string{"ćwi*"}, "shorter than 4 letters")
	check("activity||核", "substring", []string{"核"}, "one character")
	check("activity||Рыженков", "guessed forms", []string{"рыженкова"}, "not in the dictionary")
	check("activity||Лукашенко", "as written", []string{"лукашенко"}, "matches this form only")
	check("|r|учения", "forms", []string{"учениями"}, "")
	check("|r|exercise restraint", "stem", []string{"exercis (en)"}, "")
	check("|r|us", "stem", []string{"us (en)"}, "shorter than 4 letters")
	if _, ok := by["|r|/nat\\w+/"]; !ok {
		t.Error("the regex is not explained")
	}
	for k := range by {
		if strings.HasPrefix(k, "|r|@") {
			t.Errorf("%s: a list used in a rule is explained with the list, not again", k)
		}
	}
	if s := by["belarus||Беларусь"].String(); s != `@belarus "Беларусь": forms беларусь, беларуси, беларусью` {
		t.Errorf("String() = %q", s)
	}
}

func TestExplainReportsBadQueriesAndUnknownLists(t *testing.T) {
	_, err := Explain([]Rule{{Name: "bad", Query: "NATO AND ("}, {Name: "nolist", Query: "@natto"}}, nil)
	var ce *CompileError
	if !errors.As(err, &ce) || len(ce.Errs) != 2 {
		t.Fatalf("err = %v, want the two problems", err)
	}
}
