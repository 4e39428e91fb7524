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
	"":                   0,
	"internal/redact":    0,
	"internal/retry":     0,
	"internal/corpus":    0,
	"internal/buildinfo": 0,
	"text":               10,
	// The Russian dictionary of the rules engine, and the command that
	// builds it from Hunspell's files.
	"rules/internal/rumorph":     10,
	"rules/internal/rumorph/gen": 70,
	"rules":                      20,
	"source/scrape":              20,
	// The readers of other kinds of source: libraries from bytes to items,
	// with the settings config checks, like source/scrape.
	"source/internal/check": 10,
	"source/internal/ident": 10,
	"source/telegram":       25,
	"source/sitemap":        25,
	"source/jsonapi":        25,
	// Pure parsing of the hints a server or feed gives about when to ask
	// again: the source layer reads them, the adaptive schedule uses them.
	"source/hints": 20,
	// Time to alert: values every stage records (watcher, notify, store)
	// and metrics and web show.
	"metrics/tta": 10,
	"config":      30,
	// Story assignment and revisions: a library over items, like rules.
	"story":  30,
	"source": 40,
	"store":  40,
	// The WebSub subscriber: mounted by the daemon, fed by the watcher.
	"source/websub": 40,
	// The adaptive schedule: a model the watcher's scheduler asks, below
	// the watcher so that it can import it.
	"watcher/adaptive": 40,
	"store/sqlite":     40,
	"store/storetest":  40,
	// The PostgreSQL backend, and the helper that gives its tests (and any
	// other test needing a server) a schema of their own.
	"store/postgres":        40,
	"store/postgres/pgtest": 0,
	"watcher":               50,
	"notify":                50,
	"notify/slack":          50,
	"notify/console":        50,
	// Slack interactivity (Socket Mode), and the fake Socket Mode server
	// that its tests and e2e run against.
	"notify/slack/interact":            50,
	"notify/slack/interact/sockettest": 0,
	"web":                              50,
	"metrics":                          50,
	"daemon":                           60,
	"cmd/attache":                      70,
}

// forbidden are imports the rank alone would allow but the design does not:
// notify states the small interface it needs instead of importing the store
// or the watcher; internal/corpus, store/storetest and store/postgres/pgtest
// serve tests only.
var forbidden = map[string][]string{
	"notify":                {"store", "store/sqlite", "watcher"},
	"notify/slack":          {"store", "store/sqlite", "watcher"},
	"notify/console":        {"store", "store/sqlite", "watcher"},
	"notify/slack/interact": {"store", "store/sqlite", "watcher"},
	"*":                     {"internal/corpus", "store/storetest", "store/postgres/pgtest", "notify/slack/interact/sockettest"},
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
		if pkg == "e2e" || pkg == "deploy" || pkg == "scripts" { // tests only
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
