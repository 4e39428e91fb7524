package telegram

import (
	"errors"
	"fmt"
)

// ErrPreviewUnavailable: the address answered, but with no channel preview
// to read: the channel has disabled it or is blocked, the preview
// redirected to the channel's invitation page, or the channel does not
// exist. Callers classify it as preview_unavailable and raise a health
// alert at once: no retry cures it.
var ErrPreviewUnavailable = errors.New("preview unavailable")

// ErrNotAPreview: the page is not a Telegram channel preview at all
// (neither messages nor a channel header): a bot check, an error page, or
// a mirror whose markup has changed.
var ErrNotAPreview = errors.New("not a telegram channel preview")

// UnavailableError says why a channel's preview could not be read. It
// wraps ErrPreviewUnavailable.
type UnavailableError struct {
	// URL is the address that answered (after redirects).
	URL string
	// Channel is the channel's name and Title its display name, when the
	// address or the page gave them.
	Channel string
	Title   string
	// Reason is what the page showed: "landing page", or the notice that
	// replaced the messages.
	Reason string
}

// Error names the address, the channel and the reason.
func (e *UnavailableError) Error() string {
	ch := ""
	switch {
	case e.Channel != "" && e.Title != "":
		ch = fmt.Sprintf(" of %q (%s)", e.Channel, e.Title)
	case e.Channel != "":
		ch = fmt.Sprintf(" of %q", e.Channel)
	case e.Title != "":
		ch = fmt.Sprintf(" of %q", e.Title)
	}
	return fmt.Sprintf("%s: the web preview%s is unavailable: %s", e.URL, ch, e.Reason)
}

// Unwrap makes errors.Is(err, ErrPreviewUnavailable) true.
func (e *UnavailableError) Unwrap() error { return ErrPreviewUnavailable }
