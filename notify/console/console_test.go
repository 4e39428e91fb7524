package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/notify"
	"github.com/attache-dev/attache/notify/console"
)

// sample is an alert as the daemon queues it.
func sample() attache.Alert {
	moscow := time.FixedZone("MSK", 3*60*60)
	return attache.Alert{
		ID:          "kremlin-en/70981/ops",
		Destination: "ops",
		Item: attache.Item{
			Feed:      "kremlin-en",
			Key:       "70981",
			Title:     "Meeting with permanent members of the Security Council",
			Link:      "http://en.kremlin.ru/events/president/news/70981",
			Published: time.Date(2026, 11, 28, 12, 14, 0, 0, moscow),
		},
		Matches: []attache.Match{
			{Rule: "nato-west", Severity: attache.SeverityHigh, Hits: []attache.Hit{
				{Field: attache.FieldTitle, Term: "NATO", Text: "NATO"},
				{Field: attache.FieldContent, Term: "western borders", Text: "western borders"},
				{Field: attache.FieldContent, Term: "NATO", Text: "NATO"},
			}},
			{Rule: "security-council", Severity: attache.SeverityWarning, Hits: []attache.Hit{
				{Field: attache.FieldTitle, Term: "Security Council", Text: "Security Council"},
			}},
		},
	}
}

func send(t *testing.T, a attache.Alert) string {
	t.Helper()
	var buf bytes.Buffer
	if err := console.New(&buf).Send(t.Context(), a); err != nil {
		t.Fatalf("Send: %v", err)
	}
	return buf.String()
}

func TestLine(t *testing.T) {
	t.Run("a line gives the UTC time, severity, rules, feed, title, link and matched terms", func(t *testing.T) {
		got := send(t, sample())
		want := `2026-11-28T09:14:00Z HIGH nato-west,security-council [kremlin-en] ` +
			`"Meeting with permanent members of the Security Council" ` +
			`http://en.kremlin.ru/events/president/news/70981 (matched: NATO, western borders, Security Council)` + "\n"
		if got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})

	t.Run("an alert without link or hits leaves them out", func(t *testing.T) {
		a := sample()
		a.Item.Link = ""
		a.Matches = []attache.Match{{Rule: "r", Severity: attache.SeverityCritical}}
		want := `2026-11-28T09:14:00Z CRITICAL r [kremlin-en] "Meeting with permanent members of the Security Council"` + "\n"
		if got := send(t, a); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})

	for _, tc := range []struct {
		name  string
		title string
		want  string // the title as printed, quotes included
	}{
		{"a title cannot forge a second line", "Talks\n2026-11-28T09:15:00Z CRITICAL forged [mid-ru] \"x\"", `"Talks 2026-11-28T09:15:00Z CRITICAL forged [mid-ru] \"x\""`},
		{"carriage returns, tabs and form feeds become spaces", "A\r\n\tB\fC\vD\u2028E\u0085F", `"A B C D E F"`},
		{"terminal escapes lose their escape character", "\x1b[2J\x1b[31mred\x00", `"[2J [31mred"`},
		{"bidirectional overrides and zero-width characters are dropped", "abc\u202edcb\u200b\ufeff!", `"abcdcb!"`},
		{"invalid UTF-8 is replaced", "bad \xff byte", `"bad ` + "\ufffd" + ` byte"`},
		{"runs of spaces collapse and the ends are trimmed", "  lots   of\n\n space  ", `"lots of space"`},
		{"Cyrillic stays as it is", "Заявление МИД России", `"Заявление МИД России"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := sample()
			a.Item.Title = tc.title
			line := send(t, a)
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
				t.Fatalf("not one line: %q", line)
			}
			if !strings.Contains(line, " [kremlin-en] "+tc.want+" http://") {
				t.Errorf("line %q does not hold the title as %s", line, tc.want)
			}
		})
	}

	t.Run("a 10 KB title is cut on a character boundary", func(t *testing.T) {
		a := sample()
		a.Item.Title = strings.Repeat("Ж", 5000) + "END"
		line := send(t, a)
		if !utf8.ValidString(line) || len(line) > 1000 {
			t.Fatalf("line of %d bytes, valid UTF-8 %v: want a short valid line", len(line), utf8.ValidString(line))
		}
		if want := `"` + strings.Repeat("Ж", 300) + `…"`; !strings.Contains(line, want) {
			t.Errorf("line %q does not hold the title cut to 300 characters", line)
		}
	})

	t.Run("the feed, rules, link and terms are cleaned too", func(t *testing.T) {
		a := sample()
		a.Item.Feed = "kremlin\nen"
		a.Item.Link = "http://example.org/a b\r\nc"
		a.Matches[0].Rule = "nato\x1b"
		a.Matches[0].Hits[0].Term = "NA\nTO"
		line := send(t, a)
		if strings.Count(line, "\n") != 1 || strings.ContainsAny(line, "\r\x1b") {
			t.Fatalf("not one clean line: %q", line)
		}
		for _, want := range []string{"[kremlin en]", "http://example.org/a%20b%20c ", "HIGH nato,", "(matched: NA TO,"} {
			if !strings.Contains(line, want) {
				t.Errorf("line %q lacks %q", line, want)
			}
		}
	})
}

func TestSend(t *testing.T) {
	t.Run("concurrent sends write whole lines that never interleave", func(t *testing.T) {
		var buf bytes.Buffer // not safe for concurrent use: the notifier must serialise
		n := console.New(&buf)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				a := sample()
				a.Item.Title = fmt.Sprintf("title %d %s", i, strings.Repeat("x", 200))
				if err := n.Send(context.Background(), a); err != nil {
					t.Errorf("Send: %v", err)
				}
			})
		}
		wg.Wait()
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != 50 {
			t.Fatalf("%d lines, want 50", len(lines))
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, "2026-11-28T09:14:00Z HIGH ") || !strings.HasSuffix(l, "Security Council)") {
				t.Errorf("mangled line %q", l)
			}
		}
	})

	t.Run("a failed write is a transient failure", func(t *testing.T) {
		err := console.New(failingWriter{}).Send(t.Context(), sample())
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok || !se.Retry || !errors.Is(err, errBrokenPipe) {
			t.Errorf("error %#v, want a transient SendError wrapping the write error", err)
		}
	})

	t.Run("a send after the context is done writes nothing", func(t *testing.T) {
		var buf bytes.Buffer
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := console.New(&buf).Send(ctx, sample())
		if !errors.Is(err, context.Canceled) || buf.Len() != 0 {
			t.Errorf("error %v and %d bytes written, want context.Canceled and nothing", err, buf.Len())
		}
	})
}

var errBrokenPipe = errors.New("broken pipe")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errBrokenPipe }

// FuzzLine checks that no feed text makes more or less than one clean line.
func FuzzLine(f *testing.F) {
	f.Add("Meeting\nwith", "http://en.kremlin.ru/x", "kremlin-en", "NATO")
	f.Add("\x1b[31m\u202e\r", "\x00", "", "\xff")
	f.Fuzz(func(t *testing.T, title, link, feed, term string) {
		a := sample()
		a.Item.Title, a.Item.Link, a.Item.Feed = title, link, feed
		a.Matches[0].Hits[0].Term = term
		line := console.Line(a)
		if !utf8.ValidString(line) {
			t.Fatalf("invalid UTF-8: %q", line)
		}
		for _, r := range line {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("line holds %U: %q", r, line)
			}
		}
		if len(line) > 4*(300+1000+4*100)+200 {
			t.Fatalf("line of %d bytes", len(line))
		}
	})
}
