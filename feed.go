package attache

import "time"

// Feed is one configured source: a feed, or an HTML list page when HTML is
// set. Its kind's settings are plain data; the source layer compiles them.
type Feed struct {
	Name string
	// URL is an http or https URL, a file:// URL, or a local path.
	URL string
	// Lang is the stemming language for Latin-script words ("en",
	// "en-GB"); empty means the source's own declared language, if any.
	Lang string
	Tags []string
	// Schedule is the feed's cron spec, or ScheduleAdaptive; empty takes the
	// global one.
	Schedule string
	// Adaptive bounds the adaptive schedule; set when Schedule is
	// ScheduleAdaptive.
	Adaptive *AdaptiveSpec
	// StaleAfter is how long the feed may fail before a health alert says
	// so; DefaultStaleAfter when zero.
	StaleAfter time.Duration
	// MaxNewItems is how many new items one poll may bring and be alerted;
	// more are recorded without alerts and reported in one summary
	// (DefaultMaxNewItems when zero).
	MaxNewItems int
	// HTML, when set, makes the feed an HTML list page read through these
	// CSS selectors instead of a feed (the html key).
	HTML *HTMLSpec
	// Telegram, when set, makes the source a Telegram channel's public web
	// preview, https://t.me/s/CHANNEL (the telegram key).
	Telegram *TelegramSpec
	// Sitemap, when set, makes the source a sitemap (urlset, index or
	// Google News sitemap, gzip too): one item per page address.
	Sitemap *SitemapSpec
	// JSON, when set, makes the source a JSON API read through these paths
	// (the json key).
	JSON *JSONSpec
}

// JSONSpec is the `json:` block of a source: where the entries are, and
// where each field of an entry is (JSONPath, or a template), as plain data.
type JSONSpec struct {
	Items                                                       string
	ID, Title, Link, Date, Summary, Content, Author, Categories string
	DateFormat                                                  string
	// Headers are sent with the request (a token, an Accept-Language);
	// Query parameters are set on the address. Values may come from ${VAR}.
	Headers, Query map[string]string
}

// SitemapSpec is the `sitemap:` block of a source.
type SitemapSpec struct {
	// Include keeps only the pages whose address matches a pattern (a path
	// prefix, "*" for one segment, or a whole-address prefix); Exclude then
	// drops those matching one of its own.
	Include, Exclude []string
	// Sitemaps keeps only the child sitemaps of an index that match;
	// MaxSitemaps bounds how many are read per poll, the newest first.
	Sitemaps    []string
	MaxSitemaps int
	// Follow reads each new page: Content is the selector of its text,
	// Title (optional) the selector of a title that replaces the
	// sitemap's, as for an HTML list page.
	Follow         bool
	Content, Title string
}

// ScheduleAdaptive is the schedule that follows the source's own publishing
// pattern (watcher/adaptive) instead of a cron spec.
const ScheduleAdaptive = "adaptive"

// AdaptiveSpec bounds an adaptive schedule; zero fields take the model's
// defaults (1m, 30m, 144 requests a day).
type AdaptiveSpec struct {
	MinInterval, MaxInterval time.Duration
	Budget                   float64 // requests per day
	// Location is the source's time zone, in which its hour-of-week
	// profile is kept (office hours stay office hours across DST); the
	// configuration's timezone when nil.
	Location *time.Location
}

// TelegramSpec is the `telegram:` block of a source; its zero value
// (`telegram: {}`) is the usual setting.
type TelegramSpec struct {
	// MaxPages bounds how many pages of about 20 messages a first poll may
	// read back; 0 means the reader's default.
	MaxPages int
}

// Label is how messages and items name the feed: its name, or else its URL
// (a source given on the command line has no name).
func (f Feed) Label() string {
	if f.Name == "" {
		return f.URL
	}
	return f.Name
}

// HTMLSpec is how an HTML list page is read, as the configuration writes
// it. Each field but Item, DateFormat and Follow is a value: a CSS selector
// within the item, "selector@attr" for an attribute of what it matches, or
// "@attr" for the item element's own attribute; empty means not set.
type HTMLSpec struct {
	// Item matches one element per item of the list page.
	Item string
	// Title is read within the item; empty means the item's own text.
	Title string
	// Link is read within the item; empty means the item's own href, else
	// the href of the first link inside it.
	Link string
	// Date is read within the item; empty means the items are undated.
	Date string
	// DateFormat, when set, is the Go layout the date is written in
	// ("02.01.2006"); empty means the usual ministry formats.
	DateFormat string
	// Summary is read within the item; empty means none.
	Summary string
	// Follow asks for each new item's own page, where Content is read.
	Follow bool
	// Content is read on the item's page.
	Content string
}

// Rule is one alerting rule.
type Rule struct {
	Name        string
	Description string
	Query       string
	// Feeds are the feed names and tags the rule applies to (its scopes);
	// empty means every feed.
	Feeds    []string
	Severity Severity
	// Notify is the rule's destinations.
	Notify []string
}
