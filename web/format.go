package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// safeLink returns raw if it is an absolute http or https URL, else "": a
// feed's link must never become javascript:, data: or any other scheme a
// browser would act on. A link with user information (https://bank@evil/)
// is refused too, since it exists to mislead.
func safeLink(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil {
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" { // url.Parse lower-cases the scheme
		return ""
	}
	return u.String()
}

// stamp formats t for the page, with its age relative to now.
func (s *server) stamp(t, now time.Time) stamp {
	if t.IsZero() {
		return stamp{Zero: true, Text: "never"}
	}
	return stamp{
		ISO:  t.UTC().Format(time.RFC3339),
		Text: t.In(s.loc).Format("2006-01-02 15:04:05 MST"),
		Ago:  ago(now.Sub(t)),
	}
}

// ago says how long d is, roughly, as people read it on a status page.
func ago(d time.Duration) string {
	if d < 0 {
		return "in " + roughly(-d)
	}
	if d < time.Second {
		return "just now"
	}
	return roughly(d) + " ago"
}

func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
