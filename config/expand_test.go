package config

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestExpandReplacesVariablesAndKeepsOtherDollars(t *testing.T) {
	tests := []struct {
		name, raw, want string
		errs            []string
	}{
		{"text without a dollar is unchanged", "NATO OR НАТО", "NATO OR НАТО", nil},
		{"a variable is replaced", "#${CHANNEL}-x", "#C999-x", nil},
		{"two variables side by side", "${CHANNEL}${CHANNEL}", "C999C999", nil},
		{"a variable set to nothing gives nothing", "a${EMPTY}b", "ab", nil},
		{"$$ is one dollar", "cost: $$5 and $${CHANNEL}", "cost: $5 and ${CHANNEL}", nil},
		{"a dollar before anything else stays", "/end$/ $5 $", "/end$/ $5 $", nil},
		{"a missing variable is named", "x ${NOPE} y", "x  y", []string{"2: environment variable NOPE is not set"}},
		{"a bad name is refused without quoting it", "${not a name}", "", []string{"0: invalid environment variable reference: write ${NAME} with letters, digits and _"}},
		{"an empty name is refused", "${}", "", []string{"0: invalid environment variable reference: write ${NAME} with letters, digits and _"}},
		{"an unterminated reference is refused", "ab${CHANNEL", "ab", []string{"2: unterminated ${: close it with }, or write $$ for a literal $"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, errs := expand(tt.raw, testEnv)
			var got []string
			for _, e := range errs {
				got = append(got, strconv.Itoa(e.off)+": "+e.msg)
			}
			if x.value != tt.want || !slices.Equal(got, tt.errs) {
				t.Errorf("expand(%q) = %q, %q; want %q, %q", tt.raw, x.value, got, tt.want, tt.errs)
			}
		})
	}
}

func TestExpandMapsOffsetsBackToTheText(t *testing.T) {
	raw := "a $$ ${CHANNEL} (b"
	x, _ := expand(raw, testEnv) // "a $ C999 (b"
	tests := []struct{ out, raw int }{
		{0, 0},   // a
		{2, 2},   // the $ of $$
		{4, 5},   // C of C999: the ${
		{6, 5},   // inside the value: still the ${
		{9, 16},  // (
		{11, 18}, // the end
	}
	for _, tt := range tests {
		if got := x.rawOffset(tt.out); got != tt.raw {
			t.Errorf("rawOffset(%d) in %q = %d, want %d", tt.out, x.value, got, tt.raw)
		}
	}
}

func TestVariablesAreExpandedInEveryString(t *testing.T) {
	yaml := `state: ${DIR}/state.db
feeds:
  - {name: f, url: "${FEED}", tags: ["${TAG}"]}
destinations:
  bot: {type: slack, token: "${SLACK_BOT_TOKEN}", channel: "#${CHANNEL}", burst_limit: "${BURST}"}
lists:
  l: ["${TAG}", "$$5"]
rules:
  - {name: r, query: "@l OR ${TAG}", feeds: ["${TAG}"], notify: [bot], severity: "${SEV}"}
`
	env := map[string]string{"DIR": "/srv", "FEED": "https://e.org/f", "TAG": "russia", "BURST": "7", "SEV": "critical"}
	c, err := Parse([]byte(yaml), "rules.yaml", func(k string) (string, bool) {
		if v, ok := env[k]; ok {
			return v, true
		}
		return testEnv(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.State, c.Feeds[0].URL, c.Feeds[0].Tags, c.Destinations["bot"].Token.Value(), c.Destinations["bot"].Channel,
		c.Destinations["bot"].BurstLimit, c.Lists["l"], c.Rules[0].Query, c.Rules[0].Feeds, c.Rules[0].Severity.String()}
	want := []any{"/srv/state.db", "https://e.org/f", []string{"russia"}, testToken, "#C999",
		7, []string{"russia", "$5"}, "@l OR russia", []string{"russia"}, "critical"}
	for i := range got {
		if !equal(got[i], want[i]) {
			t.Errorf("value %d = %#v, want %#v", i, got[i], want[i])
		}
	}
}

func TestMissingVariablesAreEachReportedAtTheirDollar(t *testing.T) {
	yaml := "feeds:\n  - {name: f, url: \"https://${HOST}/feed\", tags: [a, \"${TAG}\"]}\n" +
		"destinations:\n  bot: {type: slack, channel: C1, token: \"${SLACK_TOKEN}\"}\n"
	want := []string{
		`2:29: feeds[0].url: environment variable HOST is not set`,
		`2:55: feeds[0].tags[1]: environment variable TAG is not set`,
		`4:43: destinations.bot.token: environment variable SLACK_TOKEN is not set`,
	}
	if got := problems(t, yaml); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
