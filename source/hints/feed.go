package hints

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// FeedFields are the hints a feed document gives about itself.
type FeedFields struct {
	// TTL is RSS 2.0's <ttl>, in minutes in the document.
	TTL time.Duration
	// UpdatePeriod is the syndication module's sy:updatePeriod divided by
	// sy:updateFrequency.
	UpdatePeriod time.Duration
}

// syndicationNS is the RSS 1.0 syndication module's namespace.
const syndicationNS = "http://purl.org/rss/1.0/modules/syndication/"

// ParseTTL reads an RSS <ttl>: a whole number of minutes. ok is false for a
// missing, malformed, zero or negative value.
func ParseTTL(s string) (time.Duration, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return time.Duration(min(n, maxSeconds/60)) * time.Minute, true
}

// ParseSyndication reads sy:updatePeriod (hourly, daily, weekly, monthly or
// yearly; daily when empty) and sy:updateFrequency (how many updates per
// period; 1 when empty) into the interval between updates. ok is false when
// both are empty or either is malformed.
func ParseSyndication(period, frequency string) (time.Duration, bool) {
	period = strings.ToLower(strings.TrimSpace(period))
	frequency = strings.TrimSpace(frequency)
	if period == "" && frequency == "" {
		return 0, false
	}
	var p time.Duration
	switch period {
	case "hourly":
		p = time.Hour
	case "", "daily":
		p = 24 * time.Hour
	case "weekly":
		p = 7 * 24 * time.Hour
	case "monthly":
		p = 30 * 24 * time.Hour
	case "yearly":
		p = 365 * 24 * time.Hour
	default:
		return 0, false
	}
	f := int64(1)
	if frequency != "" {
		n, err := strconv.ParseInt(frequency, 10, 64)
		if err != nil || n <= 0 {
			return 0, false
		}
		f = n
	}
	return max(p/time.Duration(f), time.Second), true
}

// ScanFeed reads the feed-level <ttl>, sy:updatePeriod and
// sy:updateFrequency of an RSS (0.9x, 1.0, 2.0) or Atom document, stopping at
// the first item or entry: the hints describe the feed, and the items are
// the parser's business. Declared charsets (windows-1251, koi8-r, ...) are
// honoured. What was read before a syntax error is returned with the error.
func ScanFeed(r io.Reader) (FeedFields, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	var (
		out             FeedFields
		period, freq    string
		sawSy           bool
		depth, textFrom int
		text            strings.Builder
		in              xml.Name
	)
	finish := func() FeedFields {
		if sawSy {
			if d, ok := ParseSyndication(period, freq); ok {
				out.UpdatePeriod = d
			}
		}
		return out
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return finish(), nil
		}
		if err != nil {
			return finish(), fmt.Errorf("scan feed hints: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch local := strings.ToLower(t.Name.Local); {
			case local == "item" || local == "entry":
				return finish(), nil
			case local == "ttl" && t.Name.Space == "",
				t.Name.Space == syndicationNS && (t.Name.Local == "updatePeriod" || t.Name.Local == "updateFrequency"):
				in, textFrom = t.Name, depth
				text.Reset()
			}
		case xml.CharData:
			if in.Local != "" {
				text.Write(t)
			}
		case xml.EndElement:
			if in.Local != "" && depth == textFrom {
				switch in.Local {
				case "ttl":
					if d, ok := ParseTTL(text.String()); ok {
						out.TTL = d
					}
				case "updatePeriod":
					period, sawSy = text.String(), true
				case "updateFrequency":
					freq, sawSy = text.String(), true
				}
				in = xml.Name{}
			}
			depth--
		}
	}
}
