package attache

// PollClass names what one poll of a feed came to. The values are metric
// label values and log values; they never change meaning.
type PollClass string

// Poll classes: the fetch and read outcomes first, then the poller's own.
const (
	PollOK          PollClass = "ok"
	PollNotModified PollClass = "not_modified" // a 304 answer: nothing to read
	// PollHTTPError is a non-2xx answer, or too many redirects.
	PollHTTPError PollClass = "http_error"
	PollTimeout   PollClass = "timeout"
	// PollNotAFeed is an answer that is not a feed: an HTML page, a bot
	// check, another XML document.
	PollNotAFeed     PollClass = "not_a_feed"
	PollParseError   PollClass = "parse_error" // a feed that does not parse
	PollTooLarge     PollClass = "too_large"   // a body above max_body
	PollNetworkError PollClass = "network_error"
	// PollSelectorsMatchedNothing is an HTML list page on which the
	// configured selectors found no item.
	PollSelectorsMatchedNothing PollClass = "selectors_matched_nothing"
	// PollPreviewUnavailable is a Telegram channel whose web preview is
	// disabled, or an address that lands on its invitation page.
	PollPreviewUnavailable PollClass = "preview_unavailable"

	PollSkipped    PollClass = "skipped"     // a poll of the feed was still running
	PollBackoff    PollClass = "backoff"     // the feed failed repeatedly and waits
	PollStateError PollClass = "state_error" // the store failed
	PollCancelled  PollClass = "cancelled"   // shutdown cut the poll short
)

// Immediate reports the failure classes that no retry cures: a health
// alert says so at their first occurrence rather than after stale_after.
func (c PollClass) Immediate() bool {
	return c == PollNotAFeed || c == PollSelectorsMatchedNothing || c == PollPreviewUnavailable
}

// PollClasses returns every poll class, in the order above.
func PollClasses() []PollClass {
	return []PollClass{
		PollOK, PollNotModified, PollHTTPError, PollTimeout, PollNotAFeed, PollParseError,
		PollTooLarge, PollNetworkError, PollSelectorsMatchedNothing, PollPreviewUnavailable,
		PollSkipped, PollBackoff, PollStateError, PollCancelled,
	}
}
