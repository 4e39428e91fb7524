package source

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/attache-dev/attache"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestAPageCharsetIsTakenInTheRightOrder(t *testing.T) {
	cp1251 := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	koi8 := func(s string) []byte {
		b, err := charmap.KOI8R.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	page := `<html><head>%s<title>Заявление</title></head><body><p>НАТО у границ</p></body></html>`
	with := func(meta string) string { return strings.Replace(page, "%s", meta, 1) }
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // encoding used
	}{
		{"valid UTF-8 that declares windows-1251 everywhere", []byte(with(`<meta charset="windows-1251">`)), "text/html; charset=windows-1251", "utf-8"},
		{"a byte order mark, before any declaration", utf16(with(`<meta charset="windows-1251">`)), "text/html; charset=windows-1251", "bom"},
		{"the header", cp1251(with("")), "text/html; charset=windows-1251", "windows-1251"},
		{"the header before a <meta> that disagrees", cp1251(with(`<meta charset="koi8-r">`)), "text/html; charset=cp1251", "windows-1251"},
		{"<meta charset>", koi8(with(`<meta charset="koi8-r">`)), "text/html", "koi8-r"},
		{"<meta http-equiv>", cp1251(with(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">`)), "", "windows-1251"},
		{"a <meta> after kilobytes of script", cp1251(with(`<script>` + strings.Repeat("var x = 1;\n", 500) + `</script><meta charset="windows-1251">`)), "", "windows-1251"},
		{"a header that says UTF-8 against the bytes", cp1251(with(`<meta charset="windows-1251">`)), "text/html; charset=utf-8", "windows-1251"},
		{"a <meta> in the body is not honoured", cp1251(strings.Replace(page, "%s", "", 1) + `<meta charset="koi8-r">`), "", "windows-1252"},
		{"nothing declared, single-byte text", cp1251(with("")), "", "windows-1252"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, used := htmlToUTF8(tt.body, tt.contentType)
			if used != tt.want {
				t.Errorf("read as %s, want %s", used, tt.want)
			}
			if !utf8.Valid(out) {
				t.Error("the result is not UTF-8")
			}
			if tt.want != "windows-1252" && !strings.Contains(string(out), "НАТО у границ") {
				t.Errorf("the text did not come through:\n%s", out)
			}
		})
	}
}

func FuzzParsePage(f *testing.F) {
	for _, name := range []string{"pages/statements-declares-1251-is-utf8.html", "pages/statements-windows-1251.html", "pages/dates-and-links.html", "botcheck-f5.html"} {
		f.Add(readTestdata(f, name), "text/html; charset=windows-1251")
	}
	spec := statementsSpec(f, false)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := ParsePage(&Response{URL: "https://mfa.example/en/press/statements/", Body: body, ContentType: contentType, StatusCode: 200},
			attache.Feed{Name: "by", HTML: spec}, testNow)
		if err != nil {
			if c := Classify(err); c != attache.PollSelectorsMatchedNothing && c != attache.PollNotAFeed && c != attache.PollParseError {
				t.Fatalf("error of class %s: %v", c, err)
			}
			return
		}
		if len(items) == 0 {
			t.Fatal("no items and no error: a page without items must be an error")
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it.Key == "" || seen[it.Key] || !utf8.ValidString(it.Title) || it.Published.After(testNow.Add(25*time.Hour)) {
				t.Fatalf("item %+v: empty or repeated key, bad text or a future date", it)
			}
			seen[it.Key] = true
		}
	})
}
