package source

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/mmcdole/gofeed"
)

// docKind is what a document turned out to be, from its first element.
type docKind int

const (
	kindNone  docKind = iota // no root element: empty, truncated, not markup
	kindFeed                 // rss, RDF or feed
	kindJSON                 // a JSON object: maybe a JSON Feed
	kindHTML                 // an HTML page
	kindOther                // some other XML document
	kindText                 // text that is not markup at all
)

// parseDocument turns a document (already UTF-8, see toUTF8) into a gofeed
// feed. Something that is not a feed wraps ErrNotAFeed, with what it is
// instead; a feed that cannot be parsed wraps ErrParse.
func parseDocument(doc []byte, contentType string) (feed *gofeed.Feed, err error) {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrParse)
	}
	kind, root := sniffRoot(doc)
	if kind == kindJSON && !bytes.Contains(doc, []byte("jsonfeed.org/version")) {
		kind = kindOther // JSON, but not a JSON Feed: an API's error, say
		root = "JSON"
	}
	switch kind {
	case kindHTML, kindOther, kindText:
		return nil, notAFeed(doc, kind, root, contentType)
	case kindNone:
		return nil, fmt.Errorf("%w: document ends before its first element (truncated?)", ErrParse)
	}

	if depth := nestingDepth(doc, maxDepth); depth > maxDepth {
		return nil, fmt.Errorf("%w: elements nested more than %d deep", ErrParse, maxDepth)
	}

	// gofeed is outside code reading outside input: a panic in it must
	// fail this feed, not the daemon.
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("%w: parser panicked: %v", ErrParse, r)
		}
	}()
	feed, err = gofeed.NewParser().Parse(bytes.NewReader(doc))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("%w: <%s> document not recognised as a feed: %w", ErrParse, root, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrParse, err)
	}
	return feed, nil
}

// notAFeed explains what a document is instead of a feed, naming the bot
// check when it is one.
func notAFeed(doc []byte, kind docKind, root, contentType string) error {
	var what string
	switch kind {
	case kindHTML:
		what = "an HTML page"
	case kindOther:
		what = fmt.Sprintf("an XML document with root <%s>", root)
		if root == "JSON" {
			what = "a JSON document that is not a JSON Feed"
		}
	default:
		what = fmt.Sprintf("text starting %q", cutRunes(strings.Join(strings.Fields(string(firstBytes(doc, 200))), " "), 40))
	}
	if ct := strings.TrimSpace(contentType); ct != "" {
		what += fmt.Sprintf(" (Content-Type %s)", ct)
	}
	if title := pageTitle(doc); title != "" {
		what += fmt.Sprintf(", title %q", title)
	}
	if service := detectBotCheck(doc); service != "" {
		return fmt.Errorf("%w: bot check (%s): %s", ErrNotAFeed, service, what)
	}
	return fmt.Errorf("%w: got %s", ErrNotAFeed, what)
}

// skipLeadingJunk drops text in front of a feed, such as the warnings a
// PHP site prints before its RSS, so that the feed still parses. It only
// looks at the first 4 KiB, and only when the document does not begin with
// markup; it works on the raw bytes, before decoding, so that the XML
// declaration it uncovers is honoured.
func skipLeadingJunk(b []byte) []byte {
	start := bytes.TrimLeft(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(start) == 0 || start[0] == '<' || start[0] == '{' || start[0] == 0xFE || start[0] == 0xFF {
		return b
	}
	window := firstBytes(start, 4096)
	at := -1
	for _, mark := range []string{"<?xml", "<rss", "<feed", "<rdf:RDF"} {
		if i := bytes.Index(window, []byte(mark)); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return b
	}
	return start[at:]
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// sniffRoot finds a document's first element, skipping white space, the
// XML declaration, processing instructions, comments and a DOCTYPE, and
// says what kind of document that makes it. It reads the whole document if
// it must, unlike gofeed's detection, which gives up after 4 KiB.
func sniffRoot(b []byte) (docKind, string) {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	htmlDoctype := false
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		switch {
		case len(b) == 0:
			return kindNone, ""
		case b[0] == '{':
			return kindJSON, ""
		case b[0] != '<':
			return kindText, ""
		case bytes.HasPrefix(b, []byte("<?")):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				return kindNone, ""
			}
			b = b[end+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				return kindNone, ""
			}
			b = b[4+end+3:]
		case hasPrefixFold(b, "<!doctype"):
			end := doctypeEnd(b)
			if end < 0 {
				return kindNone, ""
			}
			if fields := strings.Fields(string(b[len("<!doctype"):end])); len(fields) > 0 &&
				strings.EqualFold(strings.TrimSuffix(fields[0], ">"), "html") {
				htmlDoctype = true
			}
			b = b[end:]
		default:
			kind, root := classifyRoot(elementName(b[1:]))
			// An HTML doctype makes a page of anything but a feed's root:
			// some CMSes put their page's doctype in front of their RSS.
			if htmlDoctype && kind != kindFeed {
				return kindHTML, "html"
			}
			return kind, root
		}
	}
}

func classifyRoot(name string) (docKind, string) {
	local := strings.ToLower(name)
	if i := strings.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	switch local {
	case "":
		return kindNone, ""
	case "rss", "rdf", "feed":
		return kindFeed, name
	}
	if htmlRoots[local] {
		return kindHTML, name
	}
	return kindOther, name
}

// htmlRoots are elements that start an HTML page or fragment (error pages
// are often bare fragments) and never a feed.
var htmlRoots = map[string]bool{
	"html": true, "head": true, "body": true, "title": true, "meta": true,
	"script": true, "style": true, "noscript": true, "div": true, "p": true,
	"span": true, "center": true, "table": true, "pre": true, "form": true,
	"iframe": true, "a": true, "br": true, "h1": true, "h2": true, "h3": true,
}

// elementName reads the name at the start of b, as far as white space,
// '>' or '/'.
func elementName(b []byte) string {
	end := bytes.IndexAny(b, " \t\r\n>/")
	if end < 0 {
		return "" // the tag never ends: truncated
	}
	return string(b[:end])
}

// doctypeEnd returns the index just past the '>' that closes the DOCTYPE at
// the start of b, stepping over an internal subset in brackets, or -1.
func doctypeEnd(b []byte) int {
	depth := 0
	for i, c := range b {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				return i + 1
			}
		}
	}
	return -1
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
