// Package websub is a W3C WebSub subscriber: it finds a feed's hub, asks
// the hub to push the feed's updates to a callback URL, answers the hub's
// verification of intent, checks the HMAC signature of every notification
// and hands the verified content on, and renews subscriptions before their
// lease ends. Polling carries on beside it, slowly, as a fallback.
//
// See https://www.w3.org/TR/websub/.
package websub

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html/charset"
)

// Links are what a feed advertises for WebSub: its hubs, and the URL it
// calls itself (the topic to subscribe to).
type Links struct {
	Hubs []string
	Self string
}

// Discover finds the hubs and self URL of a fetched feed, in its Link
// headers (RFC 8288) and in its document (<link rel="hub" href="..."/> in
// Atom, <atom:link> in RSS), before the first item or entry. Relative URLs
// are resolved against base, the URL the feed was fetched from. The Link
// header's self wins over the document's. A document that is not XML gives
// what the headers said and an error.
func Discover(base *url.URL, h http.Header, body []byte) (Links, error) {
	var out Links
	add := func(rel, href string) {
		u, err := base.Parse(strings.TrimSpace(href))
		if err != nil || href == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		for _, r := range strings.Fields(strings.ToLower(rel)) {
			switch r {
			case "hub":
				if !slices.Contains(out.Hubs, u.String()) {
					out.Hubs = append(out.Hubs, u.String())
				}
			case "self":
				if out.Self == "" {
					out.Self = u.String()
				}
			}
		}
	}
	for _, l := range ParseLinkHeader(h.Values("Link")) {
		add(l.Rel, l.URL)
	}
	err := scanLinks(bytes.NewReader(body), add)
	return out, err
}

// scanLinks calls add for every link element of a feed's head.
func scanLinks(r io.Reader, add func(rel, href string)) error {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("websub: discover: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(se.Name.Local) {
		case "item", "entry":
			return nil
		case "link":
			var rel, href string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "rel":
					rel = a.Value
				case "href":
					href = a.Value
				}
			}
			if rel != "" {
				add(rel, href)
			}
		}
	}
}

// Link is one link of a Link header.
type Link struct {
	URL string
	Rel string
}

// ParseLinkHeader reads Link header values (RFC 8288 §3): comma-separated
// links, each a <URI-Reference> and parameters, of which only rel is kept.
// Commas and semicolons inside quoted strings or the URI do not split.
// Malformed links are skipped.
func ParseLinkHeader(values []string) []Link {
	var out []Link
	for _, v := range values {
		for len(v) > 0 {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				// Not a link: skip to the next comma outside quotes.
				_, v = cutOutsideQuotes(v, ',')
				continue
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			l := Link{URL: v[1:end]}
			var params string
			params, v = cutOutsideQuotes(v[end+1:], ',')
			for _, p := range splitOutsideQuotes(params, ';') {
				name, val, ok := strings.Cut(p, "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				val = strings.TrimSpace(val)
				if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
					val = strings.ReplaceAll(val[1:len(val)-1], `\"`, `"`)
				}
				if l.Rel == "" { // RFC 8288: the first rel counts
					l.Rel = val
				}
			}
			out = append(out, l)
		}
	}
	return out
}

// cutOutsideQuotes splits s at the first sep outside a quoted string.
func cutOutsideQuotes(s string, sep byte) (before, after string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	for s != "" {
		var part string
		part, s = cutOutsideQuotes(s, sep)
		out = append(out, part)
	}
	return out
}
