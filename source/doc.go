// Package source fetches every kind of source and reads it into
// attache.Items. One Fetcher (fetch.go, body.go, guard.go) owns the HTTP
// client: conditional GET, size and time limits, redirects, deny_private;
// charset.go and pagecharset.go turn what it fetched into UTF-8. Each kind
// of source has a Reader: feeds (parse.go, normalize.go, with gofeed) and
// HTML list pages (page.go, with package scrape for the selectors); the
// pages of list items are read by follow.go. identity.go gives items their
// keys and stories, whatever their kind.
//
// Every failure falls into one attache.PollClass that Classify names, so
// that the watcher can log, count and back off per class: an HTML page
// where a feed was expected is "not a feed", never a parse error, and a 304
// answer costs no parsing.
package source
