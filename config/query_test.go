package config

import (
	"slices"
	"strings"
	"testing"
)

// queryHead puts a rule named r on line 5; its query key is on line 6.
const queryHead = withLog + "lists: {nato: [NATO]}\nrules:\n  - name: r\n"

func TestBadQueryPointsInsideTheQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string // the lines after queryHead
		want  string
	}{
		{"a plain query with Cyrillic before the ( counts characters, not bytes",
			"    query: ОДКБ AND (@nato OR x\n",
			"6:21: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"an unknown list points at its @",
			"    query: Беларусь @natto\n",
			"6:21: rules[0].query: unknown list @natto (did you mean @nato?)"},
		{"a single-quoted query counts '' as the two characters written",
			"    query: 'it''s НАТО AND (x'\n",
			"6:28: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a double-quoted query counts escapes as written",
			"    query: \"\\\"NATO\\\" НАТО \\u00e9 @natto\"\n",
			"6:34: rules[0].query: unknown list @natto (did you mean @nato?)"},
		{"a folded block query points into its second line",
			"    query: >-\n      @nato AND\n      (west OR\n      ОДКБ\n",
			"8:7: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a literal block query points into its third line",
			"    query: |\n      НАТО OR\n      ОДКБ AND\n      Беларусь @natto\n",
			"9:16: rules[0].query: unknown list @natto (did you mean @nato?)"},
		{"a literal block with a more indented line keeps its columns",
			"    query: |-\n      НАТО OR\n        ОДКБ )\n",
			"8:14: rules[0].query: unbalanced parenthesis: ) has no matching ("},
		{"a plain query over two lines points into the second",
			"    query: НАТО AND\n      ОДКБ )\n",
			"7:12: rules[0].query: unbalanced parenthesis: ) has no matching ("},
		{"a parenthesis left open at the end of a query points at it",
			"    query: 'ОДКБ ('\n",
			"6:18: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a parenthesis left open at the end of a folded query points at it",
			"    query: >\n      NATO OR\n      ОДКБ AND (\n\n",
			"8:16: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a ${VAR} before the problem shifts the column by what was written",
			"    query: ${CHANNEL} AND (x\n",
			"6:27: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a $$ before the problem counts as the two characters written",
			"    query: /a$$/ AND (x\n",
			"6:22: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a tag and an anchor before the query are skipped",
			"    query: !!str &q 'NATO AND (x'\n",
			"6:31: rules[0].query: unbalanced parenthesis: ( is never closed"},
		{"a query in a flow mapping",
			"    notify: [log]\n  - {name: s, query: \"NATO \\\"open\"}\n",
			"8:28: rules[1].query: unterminated phrase: missing closing \""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := queryHead + tt.query
			if strings.Contains(tt.name, "flow mapping") {
				yaml = queryHead + "    query: ok\n" + tt.query
			}
			got := problems(t, yaml)
			if !slices.Equal(got, []string{tt.want}) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

func TestBadQueryPositionsSurviveWindowsLineEndings(t *testing.T) {
	yaml := strings.ReplaceAll(queryHead+"    query: >-\n      НАТО AND\n      (x\n", "\n", "\r\n")
	want := []string{"8:7: rules[0].query: unbalanced parenthesis: ( is never closed"}
	if got := problems(t, yaml); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestBadListEntryPointsAtTheEntry(t *testing.T) {
	yaml := withLog + "lists:\n  nato:\n    - НАТО\n    - \"*x\"\n  west: [Poland, 'a*b']\n"
	want := []string{
		"6:7: lists.nato[1]: * may only end a word, as in NAT*",
		"7:18: lists.west[1]: * may only end a word, as in NAT*",
	}
	if got := problems(t, yaml); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
