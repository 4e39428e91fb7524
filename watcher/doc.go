// Package watcher turns configured feeds into attache.Items and runs the
// polling cycle. The fetch → parse → normalise step lives in fetch.go,
// body.go, charset.go, parse.go, botcheck.go, normalize.go and identity.go;
// Fetcher.Items joins them. A source with HTML selectors is a list page
// instead (page.go, pagecharset.go, with package scrape), and the pages of
// its new items are read by follow.go between the store's "which items are
// new?" and the matching (record.go).
//
// Every failure of that step falls into one class that Classify names, so
// that the daemon can log, count and back off per class: an HTML page where a
// feed was expected is "not a feed", never a parse error, and a 304 answer
// costs no parsing.
package watcher
