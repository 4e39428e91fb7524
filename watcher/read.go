package watcher

import (
	"context"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source"
)

// readerFor picks the reader of a source's kind: the one place where kinds
// meet, so that a kind whose reader lives in a subpackage of source is
// added here.
func readerFor(f attache.Feed) source.Reader {
	return source.ReaderFor(f)
}

// Read is the fetch and read stages of a poll, and of `attache test`: it
// fetches a source with the fetcher's client and limits, and reads its
// items with the reader of its kind. now is when the poll started; a
// non-zero since (a first poll's backfill window) pages back through a
// source that shows only its latest entries.
func Read(ctx context.Context, fetcher *source.Fetcher, f attache.Feed, cond source.Conditional, now, since time.Time) (source.Result, error) {
	return fetcher.ItemsSince(ctx, f, readerFor(f), cond, now, since)
}
