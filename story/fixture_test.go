package story

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

var update = flag.Bool("update", false, "rewrite the concepts of the fixture's items from the rules engine")

// fixtureItem is one labelled item of testdata/tune.yaml or heldout.yaml.
type fixtureItem struct {
	ID        string    `yaml:"id"`
	Concepts  []string  `yaml:"concepts"`
	Source    string    `yaml:"source"`
	Lang      string    `yaml:"lang"`
	Published time.Time `yaml:"published"`
	Title     string    `yaml:"title"`
	Text      string    `yaml:"text"`

	story    string // the true story
	reaction string // the story this one reacts to, if any
	part     string // tune or heldout
}

type fixtureFile struct {
	Stories []struct {
		ID   string `yaml:"id"`
		Note string `yaml:"note"`
		// ReactionTo names the story this one reacts to (another actor
		// answering the same event): one story of its own, but the pair
		// that a reader might also accept in one thread.
		ReactionTo string        `yaml:"reaction_to"`
		Items      []fixtureItem `yaml:"items"`
	} `yaml:"stories"`
}

type fixtureRules struct {
	Sources map[string][]string `yaml:"sources"`
	Lists   map[string][]string `yaml:"lists"`
	Rules   []rules.Rule        `yaml:"rules"`
}

func loadFixture(t testing.TB, part string) []fixtureItem {
	t.Helper()
	data, err := os.ReadFile("testdata/" + part + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtureFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", part, err)
	}
	var out []fixtureItem
	for _, s := range f.Stories {
		for _, it := range s.Items {
			it.story, it.reaction, it.part = s.ID, s.ReactionTo, part
			out = append(out, it)
		}
	}
	return out
}

func loadRules(t testing.TB) (fixtureRules, *rules.Matcher) {
	t.Helper()
	data, err := os.ReadFile("testdata/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fr fixtureRules
	if err := yaml.Unmarshal(data, &fr); err != nil {
		t.Fatalf("rules.yaml: %v", err)
	}
	m, err := rules.Compile(fr.Rules, fr.Lists)
	if err != nil {
		t.Fatalf("rules.yaml: %v", err)
	}
	return fr, m
}

// match runs the rules over a fixture item as the watcher would.
func (fr fixtureRules) match(m *rules.Matcher, it fixtureItem) []attache.Match {
	ai := attache.Item{Feed: it.Source, Key: it.ID, Title: it.Title, Summary: it.Text, Lang: it.Lang,
		Published: it.Published}
	return m.Match(rules.DocumentOf(ai, fr.Sources[it.Source]...))
}

func (it fixtureItem) item() Item {
	return Item{ID: it.ID, Source: it.Source, Title: it.Title, Text: it.Text, Lang: it.Lang,
		Published: it.Published, Concepts: it.Concepts}
}

// TestFixtureItemsAreAlertedWithTheirConcepts checks that every fixture item
// is one the rules would alert, and that its concepts are the lists the
// rules engine reports for it; -update rewrites them.
func TestFixtureItemsAreAlertedWithTheirConcepts(t *testing.T) {
	fr, m := loadRules(t)
	for _, part := range []string{"tune", "heldout"} {
		items := loadFixture(t, part)
		got := map[string][]string{}
		ids := map[string]bool{}
		for _, it := range items {
			if ids[it.ID] {
				t.Errorf("%s: item id %s used twice", part, it.ID)
			}
			ids[it.ID] = true
			if _, ok := fr.Sources[it.Source]; !ok {
				t.Errorf("%s: item %s: unknown source %q", part, it.ID, it.Source)
			}
			matches := fr.match(m, it)
			if len(matches) == 0 {
				t.Errorf("%s: item %s matches no rule: it would not be alerted", part, it.ID)
			}
			got[it.ID] = ConceptsOf(matches, fr.Lists)
			if !*update && strings.Join(got[it.ID], ",") != strings.Join(it.Concepts, ",") {
				t.Errorf("%s: item %s: concepts %v, the rules engine reports %v (run with -update)", part, it.ID, it.Concepts, got[it.ID])
			}
		}
		if *update {
			writeConcepts(t, "testdata/"+part+".yaml", got)
		}
	}
}

var idLine = regexp.MustCompile(`^(\s*)- id: (\S+)$`)

// writeConcepts puts a concepts: line after each item's id: line.
func writeConcepts(t *testing.T, path string, concepts map[string][]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		m := idLine.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		c, ok := concepts[m[2]]
		if !ok {
			continue
		}
		if i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "concepts:") {
			i++
		}
		out = append(out, fmt.Sprintf("%s  concepts: [%s]", m[1], strings.Join(c, ", ")))
	}
	if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	sort.Strings(nil)
}
