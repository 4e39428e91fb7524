package jsonapi

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, file string
		spec       Spec
		want       error
		says       string
	}{
		{"an HTML answer is not JSON", "forbidden.html", kzSpec, ErrNotJSON, "HTML"},
		{"an error object has no items, and the message lists its keys", "error.json", kzSpec, ErrItemsNotFound, "keys error, message, status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := readFixture(t, tt.file, "https://api.example/news?token=secret", tt.spec)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %+v, %v; want %v", doc, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), "https://api.example/news") {
				t.Errorf("got %q, want the address and %q", err, tt.says)
			}
		})
	}
}

func TestBodiesThatAreNotJSON(t *testing.T) {
	c, err := Spec{Items: "$[*]", Title: "t"}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"", "  \n", `{"a":`, `{"a":1} {"b":2}`, "\xef\xbb\xbf<rss/>", "NaN"} {
		if _, err := Read([]byte(body), nil, c); !errors.Is(err, ErrNotJSON) {
			t.Errorf("%q: got %v, want ErrNotJSON", body, err)
		}
	}
	if doc, err := Read([]byte("\xef\xbb\xbf[{\"t\":\"x\"}]"), nil, c); err != nil || len(doc.Records) != 1 {
		t.Errorf("a byte-order mark before the JSON: got %+v, %v", doc, err)
	}
}

func TestAnEmptyListIsNoError(t *testing.T) {
	for _, items := range []string{"$.content[*]", "$.content", "content", "$.content.*"} {
		t.Run(items, func(t *testing.T) {
			doc, err := readFixture(t, "empty.json", "https://api.example/news", Spec{Items: items, Title: "title"})
			if err != nil || len(doc.Records) != 0 {
				t.Errorf("got %+v, %v; want no records and no error", doc, err)
			}
		})
	}
	// An empty list that is not there is still an error.
	if _, err := readFixture(t, "empty.json", "https://api.example/news", Spec{Items: "$.missing[*]", Title: "title"}); !errors.Is(err, ErrItemsNotFound) {
		t.Errorf("got %v for a missing list", err)
	}
}

func TestItemsPathForms(t *testing.T) {
	body := []byte(`{"a": {"list": [{"t": "one"}, {"t": "two"}]}, "top": [{"t": "x"}]}`)
	for _, tt := range []struct {
		items string
		want  int
	}{
		{"$.a.list", 2}, {"a.list", 2}, {"$.a.list[*]", 2}, {"$..list[*]", 2},
		{"$.a.list[0]", 1}, {"$.a.list[?@.t=='two']", 1}, {"$['top']", 1}, {"top", 1},
	} {
		c, err := Spec{Items: tt.items, Title: "t"}.Compile()
		if err != nil {
			t.Fatalf("%s: %v", tt.items, err)
		}
		doc, err := Read(body, nil, c)
		if err != nil || len(doc.Records) != tt.want {
			t.Errorf("%s: got %+v, %v; want %d records", tt.items, doc, err, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in     any
		layout string
		want   time.Time
	}{
		{"2024-11-02T14:30:00+03:00", "", utc(2024, 11, 2, 11, 30, 0)},
		{"2024-11-02T14:30:00.5+0300", "", time.Date(2024, 11, 2, 11, 30, 0, 5e8, time.UTC)},
		{"Sat, 02 Nov 2024 14:30:00 GMT", "", utc(2024, 11, 2, 14, 30, 0)},
		{"Sat, 2 Nov 2024 14:30:00 +0100", "", utc(2024, 11, 2, 13, 30, 0)},
		{"02.11.2024", "", utc(2024, 11, 2, 0, 0, 0)},
		{"2 ноября 2024", "", utc(2024, 11, 2, 0, 0, 0)},
		{"2 November 2024", "", utc(2024, 11, 2, 0, 0, 0)},
		{"1730557800", "", utc(2024, 11, 2, 14, 30, 0)},
		{jsonNumber("1730557800"), "", utc(2024, 11, 2, 14, 30, 0)},
		{jsonNumber("1730557800000"), "", utc(2024, 11, 2, 14, 30, 0)},
		{jsonNumber("1.7305578e9"), "", utc(2024, 11, 2, 14, 30, 0)},
		{jsonNumber("1730557800"), "unix_ms", utc(1970, 1, 21, 0, 42, 37).Add(800 * time.Millisecond)},
		{"02/11/2024 14:30", "02/01/2006 15:04", utc(2024, 11, 2, 14, 30, 0)},
		{"not a date", "", time.Time{}},
		{jsonNumber("-5"), "", time.Time{}},
		{jsonNumber("99999999999999999999"), "", time.Time{}},
		{true, "", time.Time{}},
		{nil, "", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, tt.layout)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("%v (%q): got %v, %v; want %v", tt.in, tt.layout, got, ok, tt.want)
		}
	}
}
