package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attache-dev/attache"
)

// hitsOf returns hits on each occurrence of the words in text.
func hitsOf(field, text string, words ...string) []attache.Hit {
	var hits []attache.Hit
	for _, w := range words {
		for at := 0; ; {
			i := strings.Index(text[at:], w)
			if i < 0 {
				break
			}
			hits = append(hits, attache.Hit{Field: field, Term: w, Text: w, Start: at + i, End: at + i + len(w)})
			at += i + len(w)
		}
	}
	return hits
}

func TestSnippet(t *testing.T) {
	cases := []struct {
		name string
		text string
		hits []attache.Hit
		want string
	}{
		{"each hit is set in bold and the rest escaped",
			"NATO & Poland <talks>", hitsOf("summary", "NATO & Poland <talks>", "NATO", "Poland"),
			"*NATO* &amp; *Poland* &lt;talks&gt;"},
		{"overlapping hits make one bold run",
			"the western borders of", append(hitsOf("summary", "the western borders of", "western borders"), hitsOf("summary", "the western borders of", "borders")...),
			"the *western borders* of"},
		{"adjacent hits make one bold run",
			"北约北约会议", hitsOf("summary", "北约北约会议", "北约"),
			"*北约北约*会议"},
		{"a feed's own asterisks cannot pair with the bold of a hit",
			"*NATO* is *not* bold", []attache.Hit{{Field: "summary", Text: "NATO", Start: 1, End: 5}},
			"∗*NATO*∗ is ∗not∗ bold"},
		{"a hit whose offsets no longer fit is found by its text",
			"edited: NATO talks", []attache.Hit{{Field: "summary", Text: "NATO", Start: 0, End: 4}},
			"edited: *NATO* talks"},
		{"a hit that fits nowhere is left out",
			"no such word", []attache.Hit{{Field: "summary", Text: "NATO", Start: 40, End: 44}},
			"no such word"},
		{"offsets inside a character are moved to its edges",
			"учения НАТО", []attache.Hit{{Field: "summary", Start: len("учения Н") - 1, End: len("учения НАТ") + 1}},
			"учения *НАТО*"},
		{"spaces at a hit's ends stay outside the bold",
			"near the border", []attache.Hit{{Field: "summary", Text: " the ", Start: 4, End: 9}},
			"near *the* border"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := snippet(c.text, hitSpans(c.text, c.hits))
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSnippetWindow(t *testing.T) {
	long := strings.Repeat("filler words of no interest ", 4000) // 112 KB
	text := long + "the NATO summit in Vilnius " + long
	hits := hitsOf("summary", text, "NATO")[:1]
	got := snippet(text, hitSpans(text, hits))

	t.Run("the window holds the first hit", func(t *testing.T) {
		if !strings.Contains(got, "the *NATO* summit in Vilnius") {
			t.Errorf("got %q, want the hit in bold with its context", got)
		}
	})
	t.Run("the window is about 300 characters and says it was cut", func(t *testing.T) {
		if n := utf8.RuneCountInString(got); n > snippetChars+10 || n < snippetChars-snippetSnap {
			t.Errorf("got %d characters, want about %d", n, snippetChars)
		}
		if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
			t.Errorf("got %q, want ellipses at both ends", got)
		}
	})
	t.Run("the window begins and ends between words", func(t *testing.T) {
		inner := strings.TrimSuffix(strings.TrimPrefix(got, "… "), " …")
		words := map[string]bool{"filler": true, "words": true, "of": true, "no": true, "interest": true,
			"the": true, "*NATO*": true, "summit": true, "in": true, "Vilnius": true}
		for _, w := range strings.Fields(inner) {
			if !words[w] {
				t.Errorf("got %q, with a piece of a word: %q", got, w)
			}
		}
	})
}

func TestSnippetOfCyrillicIsCutOnCharacters(t *testing.T) {
	text := strings.Repeat("Североатлантический альянс у западных границ. ", 300)
	text = text[:len(text)/2] + "НАТО" + text[len(text)/2:]
	got := snippet(text, hitSpans(text, hitsOf("summary", text, "НАТО")))
	if !utf8.ValidString(got) || !strings.Contains(got, "*НАТО*") {
		t.Errorf("got %q, want valid UTF-8 with the hit in bold", got)
	}
}

func TestSnippetSource(t *testing.T) {
	base := attache.Item{Title: "NATO in the title", Summary: "<p>The summary names Poland.</p>", Content: "Content text."}
	cases := []struct {
		name     string
		hits     []attache.Hit
		wantText string
		wantBold bool
	}{
		{"the summary's hits come before the title's",
			append(hitsOf("title", base.Title, "NATO"), hitsOf("summary", "The summary names Poland.", "Poland")...),
			"The summary names Poland.", true},
		{"the title is shown when only it has hits",
			hitsOf("title", base.Title, "NATO"), "NATO in the title", true},
		{"without hits in text, the summary's start is shown",
			[]attache.Hit{{Field: "categories", Text: "NATO"}}, "The summary names Poland.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := attache.Alert{Item: base, Matches: []attache.Match{{Rule: "r", Hits: c.hits}}}
			text, spans := snippetSource(a)
			if text != c.wantText || (len(spans) > 0) != c.wantBold {
				t.Errorf("got %q with %d hits, want %q (hits: %v)", text, len(spans), c.wantText, c.wantBold)
			}
		})
	}
}
