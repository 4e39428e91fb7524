package source

import (
	"testing"

	"github.com/attache-dev/attache"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

func TestFeedsThatLookLikeSomethingElseAreStillFeeds(t *testing.T) {
	const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>НАТО</title></item></channel></rss>`
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(rss)
	utf32be, _ := utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM).NewEncoder().String(rss)
	cases := []struct{ name, body string }{
		{"UTF-16 without a byte-order mark", utf16le},
		{"UTF-32 without a byte-order mark", utf32be},
		{"an XHTML doctype in front of <rss>", `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">` + rss[len(`<?xml version="1.0"?>`):]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items, err := ParseItems(&Response{Body: []byte(c.body)}, attache.Feed{Name: "f"}, testNow)
			if err != nil || len(items) != 1 || items[0].Title != "НАТО" {
				t.Fatalf("items %+v, err %v; want the one item", items, err)
			}
		})
	}
}
