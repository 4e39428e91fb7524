package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/corpus"
	"github.com/attache-dev/attache/rules"
)

// The bounds every corpus file must keep, from the request to the last
// rule matched. The race detector slows code down several times and the
// time bound allows for it.
const (
	sweepTimeBound  = 2 * time.Second
	sweepAllocBound = 64 << 20 // bytes allocated, in total, for one file
	// sweepHang is when a file that has not finished is taken to hang and
	// the sweep stops.
	sweepHang = 30 * time.Second
)

// sweepClasses are the only ways a corpus file may fail: it is a broken
// feed, not a feed, or too big; never a network error, a timeout or an
// HTTP error, since the files are served locally and whole.
var sweepClasses = []attache.PollClass{attache.PollParseError, attache.PollNotAFeed, attache.PollTooLarge}

// sweepFile is one corpus file, as the sweep's server answers it.
type sweepFile struct {
	name   string // corpus/relative/path, for messages
	body   []byte
	header http.Header
}

// sweepStats are what the sweep counts, per corpus and in all.
type sweepStats struct {
	files, ok, items, matches int
	classes                   map[attache.PollClass]int
	slowest                   string
	slowestTime               time.Duration
	largest                   string
	largestAlloc              uint64
}

func (s *sweepStats) add(o sweepStats) {
	s.files += o.files
	s.ok += o.ok
	s.items += o.items
	s.matches += o.matches
	for c, n := range o.classes {
		s.classes[c] += n
	}
	if o.slowestTime > s.slowestTime {
		s.slowest, s.slowestTime = o.slowest, o.slowestTime
	}
	if o.largestAlloc > s.largestAlloc {
		s.largest, s.largestAlloc = o.largest, o.largestAlloc
	}
}

func (s *sweepStats) String() string {
	return fmt.Sprintf("%d files: %d parsed ok, %d parse_error, %d not_a_feed, %d too_large; %d items, %d matches; slowest %s (%s); largest allocation %s (%.1f MiB)",
		s.files, s.ok, s.classes[attache.PollParseError], s.classes[attache.PollNotAFeed], s.classes[attache.PollTooLarge],
		s.items, s.matches, s.slowest, s.slowestTime.Round(time.Microsecond), s.largest, float64(s.largestAlloc)/(1<<20))
}

// TestSweepCorporaThroughFetchParseNormaliseAndMatch puts every file of
// the feedparser corpus (feedparser/ in the corpus, BSD-2-Clause) and of
// gofeed's own testdata (read from the module cache) through the whole
// step a poll takes: an HTTP fetch with the Content-Type a server would
// send, parsing, normalising, and matching against a set of rules. No file
// may panic, break the time or allocation bound, fail other than as a
// broken feed or not a feed, or give text that is not UTF-8.
func TestSweepCorporaThroughFetchParseNormaliseAndMatch(t *testing.T) {
	matcher := sweepMatcher(t)
	total := sweepStats{classes: map[attache.PollClass]int{}}
	corpora := []struct {
		name  string
		files func(t *testing.T) []sweepFile
	}{
		{"feedparser", feedparserCorpus},
		{"gofeed", gofeedCorpus},
	}
	for _, c := range corpora {
		t.Run("the "+c.name+" corpus keeps every bound", func(t *testing.T) {
			files := c.files(t)
			stats := sweepCorpus(t, files, matcher)
			t.Logf("%s: %s", c.name, &stats)
			total.add(stats)
			// Nearly every feed of both corpora parses: a drop means the
			// pipeline broke, not that the corpus is hostile.
			feeds := 0
			for _, f := range files {
				if !(c.name == "gofeed" && strings.HasSuffix(f.name, ".json")) {
					feeds++
				}
			}
			if stats.ok < feeds*95/100 {
				t.Errorf("%d of %d feeds parsed, want at least 95%%", stats.ok, feeds)
			}
		})
	}
	t.Logf("sweep total: %s", &total)
}

// feedparserCorpus reads the feedparser corpus (feedparser/ in the corpus). A file's "Header:" lines,
// which feedparser's own tests turn into HTTP headers, become headers of
// its answer.
func feedparserCorpus(t *testing.T) []sweepFile {
	root := corpus.Path(t, "feedparser")
	var files []sweepFile
	for _, dir := range []string{"tests", "legacy_x80_encoding"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			files = append(files, sweepFile{name: "feedparser/" + filepath.ToSlash(rel), body: body, header: feedparserHeaders(body, p)})
			return nil
		})
		if err != nil {
			t.Fatalf("read the feedparser corpus: %v", err)
		}
	}
	if len(files) < 2200 {
		t.Fatalf("got %d feedparser files, want the whole corpus (2,223)", len(files))
	}
	return files
}

// feedparserHeaders reads the "Header: Name: value" lines of the comment at
// the top of a feedparser test; without a Content-Type among them, the
// file gets the one its name suggests.
func feedparserHeaders(body []byte, name string) http.Header {
	h := http.Header{}
	end := bytes.Index(body, []byte("-->"))
	if end < 0 {
		end = min(len(body), 2048)
	}
	sc := bufio.NewScanner(bytes.NewReader(body[:end]))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Header:")
		if !ok {
			continue
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(rest), ":"); ok {
			h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentTypeOf(name))
	}
	return h
}

// gofeedCorpus reads every file under the testdata of the gofeed module
// this module builds with: feeds and the JSON of their expected results,
// which are not feeds and must be told apart as such.
func gofeedCorpus(t *testing.T) []sweepFile {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/mmcdole/gofeed").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("skipping the gofeed testdata: go list cannot find the module in the module cache (%v)", err)
	}
	root := filepath.Join(dir, "testdata")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("skipping the gofeed testdata: %v", err)
	}
	var files []sweepFile
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, sweepFile{name: "gofeed/" + filepath.ToSlash(rel), body: body,
			header: http.Header{"Content-Type": {contentTypeOf(p)}}})
		return nil
	})
	if err != nil {
		t.Fatalf("read the gofeed testdata: %v", err)
	}
	if len(files) == 0 {
		t.Skipf("skipping the gofeed testdata: no files under %s", root)
	}
	return files
}

// contentTypeOf is the Content-Type a web server gives a file by its name.
func contentTypeOf(name string) string {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return "application/json"
	}
	return "application/xml"
}

// sweepMatcher compiles rules of the kind attaché ships (NATO and CSTO
// lists, NEAR, negation) and of the kind that match corpus text (fields,
// prefixes, phrases, a regex, a CJK substring), so that matching runs on
// real hits as well as on misses.
func sweepMatcher(t *testing.T) *rules.Matcher {
	lists := map[string][]string{
		"nato":      {"NATO", "North Atlantic Alliance", "НАТО", "Североатлантический альянс", "北约"},
		"west":      {"Poland", "Lithuania", "Latvia", "western borders", "Польша", "Литва", "западные границы"},
		"csto":      {"CSTO", "ОДКБ"},
		"exercises": {"exercise", "drills", "manoeuvres", "учения"},
	}
	m, err := rules.Compile([]rules.Rule{
		{Name: "nato-west", Query: "@nato AND (@west OR @csto OR Belarus OR Беларусь)"},
		{Name: "nato-buildup", Query: "@nato NEAR/12 @exercises AND NOT energy"},
		{Name: "example-titles", Query: `title:(example OR test*) OR "example entry"`},
		{Name: "links", Query: `link:/example\.(com|org)\/[a-z]/`, Scopes: []string{"sweep"}},
		{Name: "words", Query: `=description OR content NEAR/3 entry OR 中文`},
	}, lists)
	if err != nil {
		t.Fatalf("compile the sweep's rules: %v", err)
	}
	return m
}

// sweepCorpus serves files from one local server and puts each through
// the poll's step alone, measuring its time and allocations.
func sweepCorpus(t *testing.T, files []sweepFile, matcher *rules.Matcher) sweepStats {
	byPath := make(map[string]*sweepFile, len(files))
	for i := range files {
		byPath["/"+files[i].name] = &files[i]
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		f := byPath[r.URL.Path]
		if f == nil {
			http.NotFound(w, r)
			return
		}
		for k, v := range f.header {
			w.Header()[k] = v
		}
		_, _ = w.Write(f.body)
	})
	fetcher := newTestFetcher(Options{Timeout: 10 * time.Second})

	stats := sweepStats{classes: map[attache.PollClass]int{}}
	for i := range files {
		f := &files[i]
		src := attache.Feed{Name: "sweep", URL: srv.URL + "/" + escapePath(f.name)}
		r, ok := sweepOne(t, fetcher, src, matcher)
		if !ok {
			t.Fatalf("%s: still running after %s: the sweep stops here", f.name, sweepHang)
		}
		stats.files++
		switch {
		case r.panicked != nil:
			t.Errorf("%s: panicked: %v\n%s", f.name, r.panicked, r.stack)
			continue
		case r.err != nil:
			class := Classify(r.err)
			if !slices.Contains(sweepClasses, class) {
				t.Errorf("%s: got %s error %v, want one of %v", f.name, class, r.err, sweepClasses)
			}
			stats.classes[class]++
		default:
			stats.ok++
		}
		stats.items += r.items
		stats.matches += r.matches
		if r.badText != "" {
			t.Errorf("%s: %s", f.name, r.badText)
		}
		if r.elapsed > sweepTimeBound {
			t.Errorf("%s: took %s, want at most %s", f.name, r.elapsed, sweepTimeBound)
		}
		if r.alloc > sweepAllocBound {
			t.Errorf("%s: allocated %d MiB, want at most %d MiB", f.name, r.alloc>>20, sweepAllocBound>>20)
		}
		if r.elapsed > stats.slowestTime {
			stats.slowest, stats.slowestTime = f.name, r.elapsed
		}
		if r.alloc > stats.largestAlloc {
			stats.largest, stats.largestAlloc = f.name, r.alloc
		}
	}
	return stats
}

// escapePath escapes each segment of a corpus name for a URL path.
func escapePath(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// sweepResult is what putting one file through the step gave.
type sweepResult struct {
	items, matches int
	err            error
	panicked       any
	stack          []byte
	badText        string
	elapsed        time.Duration
	alloc          uint64
}

// sweepOne fetches, parses, normalises and matches one source on a
// goroutine of its own, so that a panic is caught and named and a hang
// stops the sweep instead of the whole test binary's timeout. ok is false
// when it hangs.
func sweepOne(t *testing.T, f *Fetcher, src attache.Feed, matcher *rules.Matcher) (sweepResult, bool) {
	t.Helper()
	done := make(chan sweepResult, 1)
	go func() {
		var r sweepResult
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				r.panicked, r.stack = p, debug.Stack()
			}
			r.elapsed = time.Since(start)
			runtime.ReadMemStats(&after)
			r.alloc = after.TotalAlloc - before.TotalAlloc
			done <- r
		}()
		res, err := f.Items(context.Background(), src, Conditional{}, testNow)
		r.err = err
		r.items = len(res.Items)
		for _, it := range res.Items {
			r.matches += len(matcher.Match(rules.DocumentOf(it, "sweep")))
			if r.badText == "" {
				r.badText = invalidText(it)
			}
		}
	}()
	select {
	case r := <-done:
		return r, true
	case <-time.After(sweepHang):
		return sweepResult{}, false
	}
}

// invalidText names the first text field of an item that is not valid
// UTF-8, or is empty when all are.
func invalidText(it attache.Item) string {
	fields := []struct{ name, s string }{
		{"title", it.Title}, {"summary", it.Summary}, {"content", it.Content}, {"author", it.Author},
		{"link", it.Link}, {"key", it.Key}, {"story", it.Story}, {"lang", it.Lang},
	}
	for _, c := range it.Categories {
		fields = append(fields, struct{ name, s string }{"category", c})
	}
	for _, f := range fields {
		if !utf8.ValidString(f.s) {
			return fmt.Sprintf("item %q: %s is not valid UTF-8: %q", it.Key, f.name, f.s)
		}
	}
	return ""
}
