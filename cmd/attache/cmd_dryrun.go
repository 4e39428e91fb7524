package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/rules"
	"github.com/attache-dev/attache/store"
	"github.com/attache-dev/attache/watcher"
)

// testFlags are the options of `attache test`.
type testFlags struct {
	json    bool
	explain bool
	rules   stringList
	since   time.Duration
	html    htmlFlags
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

var testOpts testFlags

var testCommand = &command{
	name:    "test",
	args:    "[SOURCE...]",
	summary: "dry run: read each SOURCE (URL, file or feed name; none = every configured feed), print what would be alerted and why; writes nothing, sends nothing; --html-* read a SOURCE as an HTML list page through those selectors",
	flags: func(fs *flag.FlagSet) {
		testOpts = testFlags{}
		fs.BoolVar(&testOpts.json, "json", false, "print one JSON object per (item, rule) match")
		fs.BoolVar(&testOpts.explain, "explain", false, "first print, for every list entry and query term, the word forms or stems it matches")
		fs.Var(&testOpts.rules, "rule", "limit to this rule `name` (repeatable)")
		fs.Func("since", "backtest: run the rules over the items the store kept from this long ago (e.g. 72h, 7d) instead of fetching", func(s string) error {
			d, err := config.ParseDuration(s)
			testOpts.since = d
			return err
		})
		testOpts.html.register(fs)
	},
	run: runTest,
}

// testMatch is one line of `attache test --json` (SPEC §1).
type testMatch struct {
	Rule      string        `json:"rule"`
	Severity  string        `json:"severity"`
	Feed      string        `json:"feed"`
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Link      string        `json:"link"`
	Published string        `json:"published"`
	Hits      []attache.Hit `json:"hits"`
}

func runTest(ctx context.Context, e *env, args []string) int {
	cfg, ok := loadConfig(e)
	if !ok {
		return exitUsage
	}
	only := map[string]bool{}
	for _, r := range testOpts.rules {
		if cfg.RuleByName(r) == nil {
			fmt.Fprintf(e.stderr, "attache test: unknown rule %q\n", r)
			return exitUsage
		}
		only[r] = true
	}
	if testOpts.explain && !explain(e.stdout, cfg) {
		return exitUsage
	}
	out := &testPrinter{w: e.stdout, json: testOpts.json, cfg: cfg, only: only}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			// The flag package stops at the first SOURCE: a flag after it
			// would be read as a file name and fail obscurely.
			fmt.Fprintf(e.stderr, "attache test: %s comes after a SOURCE: put the flags first, as in attache test [flags] SOURCE...\n", a)
			return exitUsage
		}
	}
	override, err := testOpts.html.spec()
	if err != nil {
		fmt.Fprintf(e.stderr, "attache test: %v\n", err)
		return exitUsage
	}
	if override != nil && len(args) == 0 {
		fmt.Fprintln(e.stderr, "attache test: the --html-* flags need a SOURCE: the URL or file of the list page")
		return exitUsage
	}
	if testOpts.since > 0 {
		if len(args) > 0 {
			fmt.Fprintln(e.stderr, "attache test: --since reads the store; give no SOURCE with it")
			return exitUsage
		}
		return backtest(ctx, e, cfg, out)
	}
	sources := args
	if len(sources) == 0 {
		for _, f := range cfg.Feeds {
			sources = append(sources, f.Name)
		}
	}
	fetcher := newFetcher(cfg)
	failed := 0
	for _, s := range sources {
		src, tags := sourceOf(cfg, s)
		if override != nil {
			src.HTML = override
		}
		res, err := fetcher.Items(ctx, src, watcher.Conditional{}, time.Now())
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %s: %v\n", s, watcher.Classify(err), err)
			failed++
			continue
		}
		if src.HTML != nil {
			followPage(ctx, e.stderr, fetcher, s, src, res.Items)
		}
		for _, it := range res.Items {
			out.item(it, tags)
		}
	}
	out.summary(e.stderr)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// sourceOf finds a configured feed by name or URL; any other SOURCE is read
// as it is, under its own name.
func sourceOf(cfg *config.Config, s string) (watcher.Source, []string) {
	for _, f := range cfg.Feeds {
		if f.Name == s || f.URL == s {
			return watcher.Source{Name: f.Name, URL: f.URL, Lang: f.Lang, HTML: f.HTML}, f.Tags
		}
	}
	return watcher.Source{Name: s, URL: s}, nil
}

// backtest runs the rules over the items kept in the store.
func backtest(ctx context.Context, e *env, cfg *config.Config, out *testPrinter) int {
	if _, err := os.Stat(cfg.State); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stderr, "attache test --since: no state at %s yet: run `attache once` or `attache run` first\n", cfg.State)
		return exitFailure
	}
	st, err := store.Open(ctx, cfg.State)
	if err != nil {
		fmt.Fprintf(e.stderr, "attache test --since: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	items, err := st.ItemsSince(ctx, time.Now().Add(-testOpts.since))
	if err != nil {
		fmt.Fprintf(e.stderr, "attache test --since: %v\n", err)
		return exitFailure
	}
	for _, it := range items {
		out.item(it, cfg.TagsOf(it.Feed))
	}
	out.summary(e.stderr)
	return exitOK
}

// testPrinter prints matches as text or JSON lines.
type testPrinter struct {
	w       io.Writer
	json    bool
	cfg     *config.Config
	only    map[string]bool
	items   int
	matches int
}

func (p *testPrinter) item(it attache.Item, tags []string) {
	p.items++
	for _, m := range p.cfg.Matcher.Match(rules.DocumentOf(it, tags...)) {
		if len(p.only) > 0 && !p.only[m.Rule] {
			continue
		}
		p.matches++
		r := p.cfg.RuleByName(m.Rule)
		tm := testMatch{Rule: m.Rule, Severity: r.Severity.String(), Feed: it.Feed, ID: it.Key, Title: it.Title,
			Link: it.Link, Published: it.Published.UTC().Format(time.RFC3339), Hits: m.Hits}
		if tm.Hits == nil {
			tm.Hits = []attache.Hit{}
		}
		if p.json {
			b, _ := json.Marshal(tm)
			fmt.Fprintf(p.w, "%s\n", b)
			continue
		}
		fmt.Fprintf(p.w, "%s  %s  %s  %s\n  %s\n  %s\n", strings.ToUpper(tm.Severity), tm.Rule, tm.Feed, tm.Published,
			oneLine(tm.Title), tm.Link)
		for _, h := range m.Hits {
			fmt.Fprintf(p.w, "    %s: %q matched %s\n", h.Field, h.Text, h.Term)
		}
	}
}

func (p *testPrinter) summary(w io.Writer) {
	fmt.Fprintf(w, "%d items, %d matches\n", p.items, p.matches)
}

// oneLine keeps untrusted text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(rules.PlainText(s)), " ")
}
