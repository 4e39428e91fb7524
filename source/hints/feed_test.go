package hints

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache/internal/corpus"
)

func TestParseTTL(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"60", time.Hour, true},
		{" 15 ", 15 * time.Minute, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		if got, ok := ParseTTL(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseSyndication(t *testing.T) {
	tests := []struct {
		period, freq string
		want         time.Duration
		ok           bool
	}{
		{"hourly", "1", time.Hour, true},
		{"hourly", "4", 15 * time.Minute, true},
		{"Daily", "", 24 * time.Hour, true},
		{"", "2", 12 * time.Hour, true}, // the period defaults to daily
		{"weekly", "7", 24 * time.Hour, true},
		{"monthly", "", 30 * 24 * time.Hour, true},
		{"yearly", "", 365 * 24 * time.Hour, true},
		{"fortnightly", "1", 0, false},
		{"hourly", "0", 0, false},
		{"hourly", "x", 0, false},
		{"", "", 0, false},
	}
	for _, tc := range tests {
		if got, ok := ParseSyndication(tc.period, tc.freq); got != tc.want || ok != tc.ok {
			t.Errorf("ParseSyndication(%q, %q) = %v, %v; want %v, %v", tc.period, tc.freq, got, ok, tc.want, tc.ok)
		}
	}
}

func TestScanFeed(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    FeedFields
		wantErr bool
	}{
		{"RSS 2.0 with ttl and the syndication module", `<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>MFA</title><ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<item><title>x</title></item></channel></rss>`, FeedFields{TTL: 30 * time.Minute, UpdatePeriod: 30 * time.Minute}, false},
		{"Atom with the syndication module under another prefix", `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://purl.org/rss/1.0/modules/syndication/">
<s:updatePeriod>daily</s:updatePeriod><entry/></feed>`, FeedFields{UpdatePeriod: 24 * time.Hour}, false},
		{"an item's ttl is not the feed's", `<rss><channel><item><ttl>5</ttl></item><ttl>60</ttl></channel></rss>`, FeedFields{}, false},
		{"a ttl in another namespace is not RSS's", `<rss xmlns:x="urn:x"><channel><x:ttl>60</x:ttl></channel></rss>`, FeedFields{}, false},
		{"no hints", `<rss><channel><title>t</title></channel></rss>`, FeedFields{}, false},
		{"what came before a syntax error is kept", `<rss><channel><ttl>10</ttl><oops`, FeedFields{TTL: 10 * time.Minute}, true},
		{"windows-1251 is decoded", "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><title>\xcc\xc8\xc4</title><ttl>20</ttl></channel></rss>", FeedFields{TTL: 20 * time.Minute}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ScanFeed(strings.NewReader(tc.doc))
			if (err != nil) != tc.wantErr {
				t.Fatalf("ScanFeed error = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ScanFeed = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestScanRealFeeds reads real feeds in place: they give no hints, and
// scanning them must say so without an error.
func TestScanRealFeeds(t *testing.T) {
	for _, name := range []string{"kremlin-en-all-2018-01-07.atom.xml", "ibash-ru-windows-1251.rss.xml", "large.rss.xml"} {
		t.Run(name, func(t *testing.T) {
			b := corpus.Read(t, "feeds/"+name)
			if _, err := ScanFeed(bytes.NewReader(b)); err != nil {
				t.Errorf("ScanFeed: %v", err)
			}
		})
	}
}

func FuzzScanFeed(f *testing.F) {
	f.Add(`<rss><channel><ttl>10</ttl><sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">hourly</sy:updatePeriod></channel></rss>`)
	f.Fuzz(func(t *testing.T, doc string) {
		got, _ := ScanFeed(strings.NewReader(doc))
		if got.TTL < 0 || got.UpdatePeriod < 0 {
			t.Fatalf("negative hint %+v", got)
		}
	})
}

func FuzzParseCacheControl(f *testing.F) {
	f.Add(`max-age=60, no-cache="a,b", private`)
	f.Fuzz(func(t *testing.T, v string) {
		if cc := ParseCacheControl(v); cc.MaxAge < 0 {
			t.Fatalf("negative max-age from %q", v)
		}
	})
}
