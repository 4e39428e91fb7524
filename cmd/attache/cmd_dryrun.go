package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/daemon"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/story"
	"github.com/attache-dev/attache/text"
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

var testCommand = &command{
	name:    "test",
	args:    "[SOURCE...]",
	summary: "dry run: read each SOURCE (URL, file or feed name; none = every configured feed), print what would be alerted and why; writes nothing, sends nothing; --html-* read a SOURCE as an HTML list page through those selectors",
	flags: func(fs *flag.FlagSet, o *options) {
		testOpts := &o.test
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
	// Story and StoryWhy are set for an item of a story that several
	// matched items tell: the story's id, and why this item joined it
	// (empty for the story's first item, its alert).
	Story    string `json:"story,omitempty"`
	StoryWhy string `json:"story_why,omitempty"`
}

func runTest(ctx context.Context, e *env, args []string) int {
	testOpts := &e.opts.test
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
	out := &testPrinter{w: e.stdout, json: testOpts.json, rules: daemon.Ruleset(cfg), only: only, lists: cfg.Lists}
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
		return backtest(ctx, e, cfg, testOpts.since, out)
	}
	sources := args
	if len(sources) == 0 {
		for _, f := range cfg.Feeds {
			sources = append(sources, f.Name)
		}
	}
	var srcs []attache.Feed
	for _, s := range sources {
		src, err := sourceOf(cfg, s)
		if err != nil {
			fmt.Fprintf(e.stderr, "attache test: %v\n", err)
			return exitUsage
		}
		srcs = append(srcs, src)
	}
	fetcher := daemon.NewFetcher(cfg)
	failed := 0
	for i, s := range sources {
		src := srcs[i]
		if override != nil {
			src.HTML = override
		}
		res, err := watcher.Read(ctx, fetcher, src, source.Conditional{}, time.Now(), time.Time{})
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", source.Classify(err), err) // err names the source
			failed++
			continue
		}
		if src.HTML != nil || source.Follows(src) {
			followPage(ctx, e.stderr, fetcher, s, src, res.Items)
		}
		out.evaluate(res.Items)
	}
	out.summary(e.stderr)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// sourceOf finds a configured feed by name or URL; a URL or an existing
// file is read as it is, under its own name. Anything else is a mistyped
// name, said with the names there are.
func sourceOf(cfg *config.Config, s string) (attache.Feed, error) {
	for _, f := range cfg.Feeds {
		if f.Name == s || f.URL == s {
			return f, nil
		}
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file") {
		return attache.Feed{Name: s, URL: s}, nil
	}
	if _, err := os.Stat(s); err == nil {
		return attache.Feed{Name: s, URL: s}, nil
	}
	names := make([]string, len(cfg.Feeds))
	for i, f := range cfg.Feeds {
		names[i] = f.Name
	}
	return attache.Feed{}, fmt.Errorf("%q is neither a configured feed, a file nor a URL; the configured feeds are: %s", s, strings.Join(names, ", "))
}

// backtest runs the rules over the items kept in the state.
func backtest(ctx context.Context, e *env, cfg *config.Config, since time.Duration, out *testPrinter) int {
	items, err := daemon.StoredItems(ctx, cfg, time.Now().Add(-since))
	if errors.Is(err, daemon.ErrNoState) {
		fmt.Fprintf(e.stderr, "attache test --since: no state at %s yet: run `attache once` or `attache run` first\n", cfg.State)
		return exitFailure
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "attache test --since: %v\n", err)
		return exitFailure
	}
	out.evaluate(items)
	out.summary(e.stderr)
	return exitOK
}

// testPrinter prints matches as text or JSON lines.
type testPrinter struct {
	w       io.Writer
	json    bool
	rules   *watcher.Ruleset
	only    map[string]bool
	items   int
	matches int
	// lists and matched feed the stories the daemon would form of the
	// matched items (summary).
	lists   map[string][]string
	matched []story.Item
	pending []testMatch // --json: printed at the end, with their stories
}

// evaluate evaluates items as the daemon would and prints what matched.
func (p *testPrinter) evaluate(items []attache.Item) {
	p.items += len(items)
	for _, e := range watcher.Evaluate(p.rules, items) {
		it := e.Item
		p.matched = append(p.matched, story.ItemOf(it, e.Matches, p.lists))
		for _, m := range e.Matches {
			if len(p.only) > 0 && !p.only[m.Rule] {
				continue
			}
			p.matches++
			tm := testMatch{Rule: m.Rule, Severity: m.Severity.String(), Feed: it.Feed, ID: it.Key, Title: it.Title,
				Link: it.Link, Published: it.Published.UTC().Format(time.RFC3339), Hits: m.Hits}
			if p.json {
				p.pending = append(p.pending, tm)
				continue
			}
			p.print(tm)
		}
	}
}

func (p *testPrinter) print(tm testMatch) {
	if tm.Hits == nil {
		tm.Hits = []attache.Hit{}
	}
	if p.json {
		b, _ := json.Marshal(tm)
		fmt.Fprintf(p.w, "%s\n", b)
		return
	}
	fmt.Fprintf(p.w, "%s  %s  %s  %s\n  %s\n  %s\n", strings.ToUpper(tm.Severity), tm.Rule, tm.Feed, tm.Published,
		oneLine(tm.Title), tm.Link)
	// One line per field, text and term, with a count: a statement that
	// names the CSTO ten times says so once.
	type hitLine struct{ field, text, term string }
	var order []hitLine
	counts := map[hitLine]int{}
	for _, h := range tm.Hits {
		k := hitLine{string(h.Field), h.Text, h.Term}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	for _, k := range order {
		times := ""
		if n := counts[k]; n > 1 {
			times = fmt.Sprintf(" (%d times)", n)
		}
		fmt.Fprintf(p.w, "    %s: %q matched %s%s\n", k.field, k.text, k.term, times)
	}
}

func (p *testPrinter) summary(w io.Writer) {
	p.stories()
	fmt.Fprintf(w, "%d items, %d matches\n", p.items, p.matches)
}

// storyItem is one item of a story of several matched items.
type storyItem struct {
	Feed, ID, Title string
	// Why is why the item joined the story; empty for the first.
	Why string
}

// stories prints the stories of more than one item that the matched items
// form, as the daemon's story stage would: their first item is the alert,
// the others replies in its thread. With --json, each match is printed now,
// with its story when it has one.
func (p *testPrinter) stories() {
	byStory := map[string][]storyItem{}
	storyOf := map[string]string{} // "feed key" → story
	whyOf := map[string]string{}
	var order []string
	titles := map[string]string{}
	for _, m := range p.matched {
		titles[m.ID] = m.Title
	}
	for _, d := range story.Cluster(p.matched, story.Config{}) {
		if _, ok := byStory[d.Story]; !ok {
			order = append(order, d.Story)
		}
		feed, key, _ := strings.Cut(d.Item, " ")
		it := storyItem{Feed: feed, ID: key, Title: titles[d.Item]}
		if d.Reason != nil {
			it.Why = d.Reason.String()
		}
		byStory[d.Story] = append(byStory[d.Story], it)
		storyOf[d.Item], whyOf[d.Item] = d.Story, it.Why
	}
	if p.json {
		for _, tm := range p.pending {
			if id := storyOf[tm.Feed+" "+tm.ID]; len(byStory[id]) > 1 {
				tm.Story, tm.StoryWhy = id, whyOf[tm.Feed+" "+tm.ID]
			}
			p.print(tm)
		}
		p.pending = nil
		return
	}
	for _, id := range order {
		items := byStory[id]
		if len(items) < 2 {
			continue
		}
		replies := "1 reply"
		if n := len(items) - 1; n != 1 {
			replies = fmt.Sprintf("%d replies", n)
		}
		fmt.Fprintf(p.w, "STORY %s: %d reports, one alert and %s in its thread\n", id, len(items), replies)
		for _, it := range items {
			fmt.Fprintf(p.w, "  %s  %s\n", it.Feed, oneLine(it.Title))
			if it.Why != "" {
				fmt.Fprintf(p.w, "    same story: %s\n", it.Why)
			}
		}
	}
}

// oneLine keeps untrusted text on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(text.Plain(s)), " ")
}
