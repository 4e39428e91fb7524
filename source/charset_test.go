package source

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attache-dev/attache"
)

// stripEncoding removes the encoding pseudo-attribute from a document's XML
// declaration, leaving the charset to the HTTP header.
func stripEncoding(t *testing.T, doc []byte, encodingAttr string) []byte {
	t.Helper()
	out := bytes.Replace(doc, []byte(" "+encodingAttr), nil, 1)
	if bytes.Equal(out, doc) {
		t.Fatalf("no %s in the declaration", encodingAttr)
	}
	return out
}

func TestCyrillicFeeds(t *testing.T) {
	ibash := readTestdata(t, "ibash-ru-windows-1251.rss.xml")
	koi8 := readTestdata(t, "sample-ru-koi8r.rss.xml")
	tests := []struct {
		name        string
		body        []byte
		contentType string
		items       int
		firstTitle  string
		summaryHas  string
	}{
		{"windows-1251 declared in the XML prolog", ibash, "application/rss+xml",
			50, "Цитата #17703", "есть у кого жаба программер"},
		{"windows-1251 declared only in the HTTP header", stripEncoding(t, ibash, `encoding="windows-1251"`),
			"application/rss+xml; charset=windows-1251", 50, "Цитата #17703", "есть у кого жаба программер"},
		{"windows-1251 in the prolog wins over a wrong HTTP charset", ibash, "text/xml; charset=koi8-r",
			50, "Цитата #17703", "есть у кого жаба программер"},
		{"koi8-r declared in the XML prolog", koi8, "text/xml",
			2, "Первая новость", "Привет мир! Ёжик, чай, Москва, Санкт-Петербург."},
		{"koi8-r declared only in the HTTP header", stripEncoding(t, koi8, `encoding="KOI8-R"`),
			"application/rss+xml; charset=KOI8-R", 2, "Первая новость", "Ёжик"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveBytes(t, tt.contentType, tt.body)
			res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "ru", URL: srv.URL, Lang: "ru"}, Conditional{}, testNow)
			if err != nil {
				t.Fatalf("items: %v", err)
			}
			if len(res.Items) != tt.items {
				t.Fatalf("got %d items, want %d", len(res.Items), tt.items)
			}
			if got := res.Items[0].Title; got != tt.firstTitle {
				t.Errorf("got first title %q, want %q", got, tt.firstTitle)
			}
			if got := res.Items[0].Summary; !strings.Contains(got, tt.summaryHas) {
				t.Errorf("got first summary %q, want it to contain %q", got, tt.summaryHas)
			}
		})
	}
	t.Run("without any declaration windows-1251 bytes are not read as Cyrillic", func(t *testing.T) {
		// The control for the header-only cases above: the header is what
		// made them readable.
		doc := stripEncoding(t, ibash, `encoding="windows-1251"`)
		items, err := ParseItems(&Response{Body: doc, ContentType: "application/rss+xml"}, attache.Feed{Name: "ru"}, testNow)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		if items[0].Title == "Цитата #17703" || !utf8.ValidString(items[0].Title) {
			t.Errorf("got title %q, want windows-1252 mojibake in valid UTF-8", items[0].Title)
		}
	})
}

func TestToUTF8(t *testing.T) {
	tests := []struct {
		name        string
		doc         []byte
		contentType string
		want        []string
	}{
		{"a prolog that says windows-1252 over UTF-8 bytes is not believed",
			readTestdata(t, "windows-1252-incorrect-prolog.xml"), "", []string{"<title>Euro €</title>", `encoding="UTF-8"`}},
		{"a prolog that says UTF-8 over ISO-8859-1 bytes is not believed",
			readTestdata(t, "iso88591-utf8-mismatch.xml"), "", []string{"<to>Anaïs</to>", "<from>Jürgen</from>"}},
		{"an HTTP charset that says windows-1251 over UTF-8 bytes is not believed",
			[]byte("<rss><title>Привет</title></rss>"), "text/xml; charset=windows-1251", []string{"Привет"}},
		{"a UTF-8 document with one stray byte keeps its text",
			[]byte("<rss><title>Привет, \xff мир</title></rss>"), "", []string{"<title>Привет,  мир</title>"}},
		{"a UTF-8 byte order mark is dropped",
			append([]byte{0xEF, 0xBB, 0xBF}, "<rss><title>ü</title></rss>"...), "", []string{"<rss><title>ü</title>"}},
		{"a UTF-16 document with a byte order mark is decoded",
			[]byte("\xff\xfe<\x00?\x00x\x00m\x00l\x00 \x00e\x00n\x00c\x00o\x00d\x00i\x00n\x00g\x00=\x00'\x00U\x00T\x00F\x00-\x001\x006\x00'\x00?\x00>\x00<\x00r\x00/\x00>\x00\x1f\x04"), "",
			[]string{"<?xml encoding='UTF-8'?><r/>П"}},
		{"an unknown declared charset falls back to the HTTP one",
			[]byte("<?xml version=\"1.0\" encoding=\"x-unknown\"?><rss><title>\xcf\xf0\xe8\xe2\xe5\xf2</title></rss>"),
			"text/xml; charset=cp1251", []string{"<title>Привет</title>", `encoding="UTF-8"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toUTF8(tt.doc, tt.contentType)
			if !utf8.Valid(got) {
				t.Fatalf("got invalid UTF-8 %q", got)
			}
			for _, want := range tt.want {
				if !bytes.Contains(got, []byte(want)) {
					t.Errorf("got %q, want it to contain %q", got, want)
				}
			}
		})
	}
}

func TestXMLDeclEncoding(t *testing.T) {
	tests := []struct {
		name, doc, want string
		ok              bool
	}{
		{"double quotes", `<?xml version="1.0" encoding="KOI8-R"?><rss/>`, "KOI8-R", true},
		{"single quotes and spaces around =", "  <?xml version='1.0' encoding = 'windows-1251' ?>", "windows-1251", true},
		{"no encoding", `<?xml version="1.0"?><rss/>`, "", false},
		{"no declaration", `<rss encoding="x"/>`, "", false},
		{"an unterminated declaration", `<?xml version="1.0" encoding="KOI8-R"`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, start, end, ok := xmlDeclEncoding([]byte(tt.doc))
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
			if ok && tt.doc[start:end] != tt.want {
				t.Errorf("got range %d:%d = %q, want %q", start, end, tt.doc[start:end], tt.want)
			}
		})
	}
}
