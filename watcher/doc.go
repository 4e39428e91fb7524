// Package watcher schedules the polls of every configured source and runs
// each poll: fetch and read (package source), find the new items (the
// store), read the pages of new list items, match them against the rules,
// and record items, feed state and alerts in one transaction.
package watcher
