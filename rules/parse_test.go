package rules

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrorsSayWhereAndWhat(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		offset int
		msg    string // a part of the message
	}{
		{"an empty query", "   ", 0, "empty query"},
		{"an unclosed parenthesis", "NATO AND (Poland OR Latvia", 9, "unbalanced parenthesis: ( is never closed"},
		{"a parenthesis opened at the end", "NATO AND (", 9, "unbalanced parenthesis: ( is never closed"},
		{"a closing parenthesis too many", "NATO) AND Poland", 4, "unbalanced parenthesis: ) has no matching ("},
		{"empty parentheses", "NATO ()", 5, "empty parentheses"},
		{"NEAR without a number", "NATO NEAR borders", 5, "NEAR needs a number: NEAR/5"},
		{"NEAR with a bad number", "NATO NEAR/x borders", 5, "NEAR needs a number: NEAR/5"},
		{"NEAR with zero", "NATO NEAR/0 borders", 5, "NEAR distance must be between 1 and 1000"},
		{"NEAR with nothing after it", "NATO NEAR/5", 5, "NEAR/5 needs a term after it"},
		{"NEAR with nothing before it", "NEAR/5 NATO", 0, "NEAR/5 needs a term before it"},
		{"NEAR after a group", "(NATO OR EU) NEAR/5 borders", 13, "NEAR/5 works between two terms"},
		{"NEAR before a group", "borders NEAR/5 (NATO OR EU)", 8, "NEAR/5 works between two terms"},
		{"NEAR chained", "a NEAR/2 b NEAR/2 c", 11, "NEAR cannot be chained"},
		{"NOT NEAR with nothing after it", "nuclear NOT NEAR/2", 12, "NOT NEAR/2 needs a term after it"},
		{"NOT NEAR before a group", "nuclear NOT NEAR/2 (plant OR family)", 12, "NOT NEAR/2 works between two terms"},
		{"NOT NEAR after a group", "(nuclear OR atomic) NOT NEAR/2 plant", 24, "NOT NEAR/2 works between two terms"},
		{"NOT NEAR chained", "a NOT NEAR/2 b NOT NEAR/2 c", 19, "NEAR cannot be chained"},
		{"NOT NEAR alone", "NOT NEAR/2 plant", 0, "NOT NEAR/2 needs a term before it"},
		{"AND at the end", "NATO AND", 5, "AND needs a term after it"},
		{"AND at the start", "AND NATO", 0, "AND needs a term before it"},
		{"OR at the end", "NATO OR", 5, "OR needs a term after it"},
		{"OR at the start", "OR NATO", 0, "OR needs a term before it"},
		{"NOT at the end", "NATO NOT", 5, "NOT needs a term after it"},
		{"a lone minus", "NATO - sport", 5, "- must be followed directly by a term"},
		{"an unterminated phrase", `NATO "western borders`, 5, "unterminated phrase"},
		{"an empty phrase", `NATO ""`, 5, "empty phrase"},
		{"an unterminated regex", "NATO /off.*", 5, "unterminated regex"},
		{"a regex missing a parenthesis", "NATO /(off/", 5, "regex: missing )"},
		{"a regex with a bad repetition", "NATO /**/", 5, "regex: missing argument to repetition operator"},
		{"a regex that matches everything", "/x*/", 0, "regex matches empty text"},
		{"a lone @", "NATO @ west", 5, "@ needs a list name"},
		{"a lone =", "NATO = west", 5, "= needs a word"},
		{"a star inside a word", "NA*TO", 0, "* may only end a word"},
		{"a lone star", "NATO *", 5, "* may only end a word"},
		{"a term without letters", "NATO &&", 5, "a term needs letters or digits"},
		{"an unknown field", "titel:NATO", 0, `unknown field "titel"`},
		{"a field with nothing after it", "NATO title:", 5, "title: needs a term after it"},
		{"a query of negations only", "NOT sport", 0, "matches items that contain none of its terms"},
		{"a negation in an OR", "NATO OR -sport", 0, "matches items that contain none of its terms"},
		{"an offset counts bytes in Cyrillic", "НАТО AND (Польша", 13, "unbalanced parenthesis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.query)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", c.query, err)
			}
			if se.Offset != c.offset || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("Parse(%q) = offset %d %q, want offset %d %q", c.query, se.Offset, se.Msg, c.offset, c.msg)
			}
			if se.Offset < 0 || se.Offset > len(c.query) {
				t.Errorf("offset %d lies outside the query", se.Offset)
			}
		})
	}
}

func TestParseBuildsTheTree(t *testing.T) {
	cases := []struct{ query, want string }{
		{"a b OR c", "((a AND b) OR c)"},
		{"a AND (b OR c)", "(a AND (b OR c))"},
		{"NOT a b", "(NOT a AND b)"},
		{"-a b", "(NOT a AND b)"},
		{`title:"Western Borders" NEAR/3 =НАТО`, `title:"western borders" NEAR/3 =нато`},
		{"summary:(a OR b*)", "summary:(a OR b*)"},
		{"@nato /nat(o|ion)/", "(@nato AND /nat(o|ion)/)"},
		{"北约", "~北约"},
		{"Ёлка", "елка"},
		{"nuclear NOT NEAR/3 plant", "nuclear NOT NEAR/3 plant"},
		{"a NOT NEAR/3 b OR c", "(a NOT NEAR/3 b OR c)"},
		{"a NOT b", "(a AND NOT b)"},
		{"NATO Nato nato", "(NATO AND nato AND nato)"},
		{"ОДКБ =НАТО НАТО*", "(ОДКБ AND =нато AND нато*)"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			n, err := Parse(c.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := n.String(); got != c.want {
				t.Errorf("Parse(%q) = %s, want %s", c.query, got, c.want)
			}
		})
	}
}

func TestCompileErrorsNameTheRuleAndList(t *testing.T) {
	_, err := Compile([]Rule{
		{Name: "ok", Query: "NATO"},
		{Name: "typo", Query: "NATO AND @natto"},
		{Name: "broken", Query: "(NATO"},
	}, map[string][]string{"nato": {"NATO"}, "bad": {"NATO", "*"}})
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want *CompileError", err)
	}
	if len(ce.Errs) != 3 {
		t.Fatalf("got %d errors, want 3: %v", len(ce.Errs), err)
	}
	var le *ListError
	if !errors.As(ce.Errs[0], &le) || le.List != "bad" || le.Entry != 1 {
		t.Errorf("first error = %v, want list bad entry 2", ce.Errs[0])
	}
	var re *RuleError
	if !errors.As(ce.Errs[1], &re) || re.Rule != 1 || re.Err.Offset != 9 || re.Err.Msg != "unknown list @natto (did you mean @nato?)" {
		t.Errorf("second error = %#v, want rule 1 at offset 9 naming @natto", ce.Errs[1])
	}
	if !errors.As(ce.Errs[2], &re) || re.Rule != 2 || re.Err.Offset != 0 {
		t.Errorf("third error = %v, want rule 2 at offset 0", ce.Errs[2])
	}
}
