package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
	"github.com/attache-dev/attache/source/scrape"
)

// testFollowCap bounds the item pages one dry run reads per source: a dry
// run has no state, so every item counts as new, and a list of a hundred
// statements should not cost the ministry a hundred requests per try.
const testFollowCap = 20

// htmlFlags are the selectors of `attache test --html-*`, for trying a list
// page before it goes into the configuration.
type htmlFlags struct {
	item, title, link, date, dateFormat, summary, content string
	follow                                                bool
	given                                                 bool // any --html-* flag was set
}

func (h *htmlFlags) register(fs *flag.FlagSet) {
	str := func(dst *string, name, usage string) {
		fs.Func(name, usage, func(s string) error { *dst, h.given = s, true; return nil })
	}
	str(&h.item, "html-item", "read each SOURCE as an HTML list page: the CSS `selector` of one element per item")
	str(&h.title, "html-title", "the item's title: `selector`, selector@attr or @attr, within the item (default: the item's text)")
	str(&h.link, "html-link", "the item's link: `selector`, selector@attr or @attr (default: the item's href, or its first link's)")
	str(&h.date, "html-date", "the item's date: `selector`, selector@attr or @attr, such as time@datetime")
	str(&h.dateFormat, "html-date-format", "the date's Go `layout`, such as 02.01.2006, when it is not one of the usual forms")
	str(&h.summary, "html-summary", "the item's summary: `selector` within the item")
	str(&h.content, "html-content", "with --html-follow, the `selector` of the text on each item's page")
	fs.Var(followFlag{h}, "html-follow", "read each item's page and match the text --html-content finds there")
}

// followFlag is --html-follow: a boolean flag (given alone it means true)
// that also marks the --html-* flags as given.
type followFlag struct{ h *htmlFlags }

func (f followFlag) IsBoolFlag() bool { return true }

func (f followFlag) String() string {
	if f.h != nil && f.h.follow {
		return "true"
	}
	return "false"
}

func (f followFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	f.h.follow, f.h.given = v, true
	return nil
}

// spec reads the flags as selectors, with the same checks as the
// configuration's html key; nil when no --html-* flag was given.
func (h *htmlFlags) spec() (*attache.HTMLSpec, error) {
	if !h.given {
		return nil, nil
	}
	s := &attache.HTMLSpec{Item: h.item, Title: h.title, Link: h.link, Date: h.date, DateFormat: h.dateFormat,
		Summary: h.summary, Follow: h.follow, Content: h.content}
	if _, ps := scrape.Compile(*s); len(ps) > 0 {
		return nil, fmt.Errorf("--html-%s: %s", strings.ReplaceAll(ps[0].Key, "_", "-"), ps[0].Msg)
	}
	return s, nil
}

// followPage reads the item pages of a list page (or a sitemap), as the daemon would for
// new items, and says on w what the selectors found, item by item, so that
// they can be tuned: a dry run has no state, so every item is new, and at
// most testFollowCap pages are read.
func followPage(ctx context.Context, w io.Writer, f *source.Fetcher, name string, src attache.Feed, items []attache.Item) {
	fmt.Fprintf(w, "%s: the selectors found %s\n", name, plural(len(items), "item"))
	var errs []error
	if source.Follows(src) && len(items) > 0 {
		n := min(len(items), testFollowCap)
		if n < len(items) {
			fmt.Fprintf(w, "  reading the pages of the first %d of %d items (a dry run has no state: every item counts as new; the daemon reads only new items' pages)\n", n, len(items))
		} else {
			fmt.Fprintf(w, "  reading the pages of all %d items (a dry run has no state: every item counts as new; the daemon reads only new items' pages)\n", n)
		}
		errs = f.Follow(ctx, src, items[:n])
	}
	for i, it := range items {
		date := "(no date)"
		if !it.DateMissing {
			date = it.Published.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "  [%d] %s  %s\n      %s\n", i+1, date, oneLine(it.Title), it.Link)
		switch {
		case i < len(errs) && errs[i] != nil:
			fmt.Fprintf(w, "      page not read, matched on its list-page text: %v\n", errs[i])
		case i < len(errs):
			fmt.Fprintf(w, "      content: %s\n", plural(len([]rune(it.Content)), "character"))
		}
	}
}

// plural writes a count with its noun: "1 item", "5 items".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
