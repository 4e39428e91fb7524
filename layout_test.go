package attache_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/attache-dev/attache"

// layer ranks the project's packages by the import rules of the design:
//
//	cmd → daemon → watcher, notify/*, web, metrics → source, store → rules, config → text → attache
//
// A package may import only packages of a lower rank, or its own parent of
// the same rank (store/sqlite → store, notify/slack → notify). The internal packages are
// leaves any package may use. source/scrape compiles the selectors that
// config checks, so it sits below config, beside rules: it is a library of
// HTML selectors that knows nothing of fetching.
var layer = map[string]int{
	"":                0,
	"internal/redact": 0,
	"internal/retry":  0,
	"internal/corpus": 0,
	"text":            1,
	// The Russian dictionary of the rules engine, and the command that
	// builds it from Hunspell's files.
	"rules/internal/rumorph":     1,
	"rules/internal/rumorph/gen": 7,
	"rules":                      2,
	"source/scrape":              2,
	// Pure parsing of the hints a server or feed gives about when to ask
	// again: the source layer reads them, the adaptive schedule uses them.
	"source/hints": 2,
	// Time to alert: values every stage records (watcher, notify, store)
	// and metrics and web show.
	"metrics/tta": 1,
	"config":      3,
	"source":      4,
	"store":       4,
	// The WebSub subscriber: mounted by the daemon, fed by the watcher.
	"source/websub": 4,
	// The adaptive schedule: a model the watcher's scheduler asks, below
	// the watcher so that it can import it.
	"watcher/adaptive": 4,
	"store/sqlite":     4,
	"store/storetest":  4,
	"watcher":          5,
	"notify":           5,
	"notify/slack":     5,
	"notify/console":   5,
	"web":              5,
	"metrics":          5,
	"daemon":           6,
	"cmd/attache":      7,
}

// forbidden are imports the rank alone would allow but the design does not:
// notify states the small interface it needs instead of importing the store
// or the watcher; internal/corpus and store/storetest serve tests only.
var forbidden = map[string][]string{
	"notify":         {"store", "store/sqlite", "watcher"},
	"notify/slack":   {"store", "store/sqlite", "watcher"},
	"notify/console": {"store", "store/sqlite", "watcher"},
	"*":              {"internal/corpus", "store/storetest"},
}

func TestPackagesKeepToTheImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	rel := func(path string) (string, bool) {
		if path == module {
			return "", true
		}
		p, ok := strings.CutPrefix(path, module+"/")
		return p, ok
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		pkg, _ := rel(fields[0])
		if pkg == "e2e" || pkg == "deploy" { // tests only
			continue
		}
		from, known := layer[pkg]
		if !known {
			t.Errorf("package %q has no place in the import rules: add it to layer", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			dep, ours := rel(imp)
			if !ours {
				continue
			}
			to, known := layer[dep]
			switch {
			case !known:
				t.Errorf("%s imports %q, which has no place in the import rules", pkg, dep)
			case slices.Contains(forbidden[pkg], dep) || slices.Contains(forbidden["*"], dep):
				t.Errorf("%s imports %s, which the design forbids", pkg, dep)
			case to > from || (to == from && dep != parent(pkg)):
				t.Errorf("%s (rank %d) imports %s (rank %d): a package may import only those below it", pkg, from, dep, to)
			}
		}
	}
}

func parent(pkg string) string {
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		return pkg[:i]
	}
	return ""
}
