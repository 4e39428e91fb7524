package config

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// deepRules is a configuration whose rules start at line 5 and whose line
// 68, the severity of the 21st rule, is indented one space too few: the
// YAML library reports it at the start of the list.
func deepRules() string {
	var b strings.Builder
	b.WriteString("destinations:\n  log: {type: console}\ndefault_notify: [log]\n\nrules:\n")
	for i := range 21 {
		indent := "    "
		if i == 20 {
			indent = "   "
		}
		fmt.Fprintf(&b, "  - name: r%d\n    query: nato%d\n%sseverity: high\n", i, i, indent)
	}
	return b.String()
}

func TestYAMLSyntaxErrorsAreReportedAtTheFault(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		// Indentation.
		{"a tab in the indentation is pointed at",
			"feeds:\n  - name: f\n\turl: https://e.org/feed\n",
			`3:1: a tab character is not allowed in indentation: indent with spaces`},
		{"a tab after spaces in the indentation is pointed at",
			"feeds:\n  - name: f\n  \t url: https://e.org/feed\n",
			`3:3: a tab character is not allowed in indentation: indent with spaces`},
		{"a tab in the indentation of a block text is pointed at",
			"rules:\n  - name: r\n    description: |\n      first\n\tsecond\n",
			`5:1: a tab character is not allowed in indentation: indent with spaces`},
		{"a key indented less than its siblings deep in a list is reported at its line, not the list's",
			deepRules(),
			`68:4: this line is indented less than its siblings: 3 spaces where line 67 has 4`},
		{"a key indented more than its siblings",
			"http:\n  timeout: 30s\n   max_body: 10MiB\n",
			`3:4: this line is indented more than its siblings: 3 spaces where line 2 has 2`},
		{"a key indented less than its siblings",
			"http:\n  timeout: 30s\n max_body: 10MiB\n",
			`3:2: this line is indented less than its siblings: 1 space where line 2 has 2`},
		{"a list item indented less than the items above",
			"feeds:\n  - name: a\n    url: https://e.org/a\n - name: b\n    url: https://e.org/b\n",
			`4:2: this line is indented less than its siblings: 1 space where line 2 has 2`},
		{"a top-level key indented under a scalar",
			"state: a.db\nfeeds: x\n  bad: y\n",
			`3:3: this line is indented more than its siblings: 2 spaces where line 2 has 0`},
		// Lists and mappings mixed up.
		{"a key among the items of a list",
			"feeds:\n  - name: a\n    url: https://e.org/a\n  name: b\n",
			`4:3: a key where the list of line 2 expects an item: start it with "- ", or indent it into the item above`},
		{"a list item among the keys of a mapping",
			"lists:\n  nato: [NATO]\n  - OTAN\n",
			`3:3: a list item where the mapping of line 2 expects a key: a list goes under its key, indented`},
		{"a list item on the line of its key",
			"default_notify: - log\n",
			`1:17: a list item ("- ") cannot follow a key on its line: put it on the next line, indented, or quote the value`},
		{"a value with a colon and a space in it",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    tags: note: x\n",
			`4:15: a value that contains ": " must be put in quotes`},
		{"a line without a colon among keys",
			"state: a.db\nschedule\ntimezone: UTC\n",
			`2:1: expected "key: value" on this line: is the ":" missing?`},
		{"a colon with no key",
			"http:\n  : 30s\n",
			`2:3: a ":" with no key before it`},
		// Quotes.
		{"a double quote never closed",
			"state: a.db\nschedule: \"@every 10m\ntimezone: UTC\n",
			`2:11: the quote " opened here is never closed`},
		{"a single quote that only a later quote closes",
			"rules:\n  - name: r\n    query: 'NATO\n    severity: 'high'\n",
			`3:12: the quote ' opened here is closed only on line 4: is a closing quote missing?`},
		{"a quote that runs into a document marker",
			"state: \"a.db\n---\n",
			`1:8: the quote " opened here is never closed: it runs into the "---" on line 2`},
		{"an apostrophe inside single quotes",
			"rules:\n  - name: r\n    description: 'Russia's borders'\n",
			`3:26: text after a closing quote: quote the whole value (inside '...' write '' for ', inside "..." write \" for ")`},
		{"columns are counted in characters",
			"rules:\n  - name: r\n    query: 'НАТО' и ОДКБ\n",
			`3:19: text after a closing quote: quote the whole value (inside '...' write '' for ', inside "..." write \" for ")`},
		{"an escape that double quotes do not know",
			"rules:\n  - name: r\n    query: \"C:\\dir\"\n",
			`3:15: \d is not an escape in a double-quoted value: write \\ for a backslash, or use single quotes`},
		// Brackets.
		{"a bracket never closed, over several lines",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    tags: [russia,\n      nato\ndefault_notify: [log]\n",
			`4:11: the [ opened here is never closed`},
		{"a brace never closed",
			"destinations:\n  log: {type: console\ndefault_notify: [log]\n",
			`2:8: the { opened here is never closed`},
		{"entries of a brace mapping without a comma",
			"http: {timeout: 30s max_body: 10MiB}\n",
			`1:29: expected "," or "}" here: separate entries with ",", and quote a value that contains ": "`},
		{"a closing bracket that closes nothing",
			"feeds: []\n]\n",
			`2:1: "]" closes nothing: no "[" is open`},
		{"a closing brace where a value should be",
			"http: }\n",
			`1:7: "}" cannot start a value: put the value in quotes`},
		// Characters that cannot start a value.
		{"an at sign starting a value",
			"rules:\n  - name: r\n    query: @nato\n",
			`3:12: "@" cannot start a value: put the value in quotes`},
		{"a backtick starting a value",
			"rules:\n  - name: r\n    query: `nato`\n",
			`3:12: "` + "`" + `" cannot start a value: put the value in quotes`},
		{"a percent sign starting a line",
			"state: a.db\n%x\n",
			`2:1: a line that starts with "%" is a YAML directive: put the value in quotes`},
		{"a control character",
			"state: a\x01.db\n",
			`1:9: control character U+0001 is not allowed in YAML: remove it`},
		{"bytes that are not UTF-8",
			"state: a.db\ntimezone: Europe/M\xf6scow\n",
			`2:19: this is not UTF-8 text (byte 0xf6): save the file as UTF-8`},
		// Anchors, aliases, block texts, tags.
		{"an alias to no anchor",
			"lists:\n  nato: [NATO]\n  west: *natto\n",
			`3:9: alias *natto refers to no anchor: define &natto before it is used`},
		{"an anchor without a name",
			"lists:\n  nato: & [NATO]\n",
			`2:9: an anchor (&) needs a name, such as &common`},
		{"an alias without a name",
			"lists:\n  nato: [NATO]\n  west: *\n",
			`3:9: an alias (*) needs the name of an anchor, such as *common`},
		{"text after the | of a block text",
			"rules:\n  - name: r\n    query: |x\n      nato\n",
			`3:13: only an indentation digit, "+" or "-" and a comment may follow | or > on its line`},
		{"a tag handle never declared keeps the library's words, at the tag",
			"state: !x!y a.db\n",
			`1:11: invalid YAML: found undefined tag handle`},
		// Problems the loader finds in a valid YAML tree.
		{"a key given twice is reported at the second",
			"http:\n  timeout: 30s\n  timeout: 60s\n",
			`3:3: http: key "timeout" appears twice (first at line 2)`},
		{"lines ending in CR LF are counted as lines",
			"http:\r\n  timeout: 30s\r\n   max_body: 10MiB\r\n",
			`3:4: this line is indented more than its siblings: 3 spaces where line 2 has 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problems(t, tt.yaml); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

func TestAYAMLFileTooLargeToSearchKeepsTheLibrarysLine(t *testing.T) {
	var b strings.Builder
	b.WriteString("lists:\n  big:\n")
	for b.Len() <= maxExplainBytes {
		b.WriteString("    - a term that fills the file up\n")
	}
	b.WriteString("   bad: x\n")
	got := problems(t, b.String())
	want := []string{`1:1: invalid YAML: did not find expected key`}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
