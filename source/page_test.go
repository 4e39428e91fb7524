package source

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache"
)

// statementsSpec is the selectors of the Belarus ministry's list page, as
// rules.yaml ships them.
func statementsSpec(t testing.TB, follow bool) *attache.HTMLSpec {
	t.Helper()
	s := &attache.HTMLSpec{Item: "a.tabs-content__item", Title: "h2", Link: "@href", Date: "span.date._small"}
	if follow {
		s.Follow, s.Content = true, "section.content-page"
	}
	return s
}

// pageItems serves body at /ru/press/statements/ and reads it as a list
// page.
func pageItems(t *testing.T, contentType string, body []byte, spec *attache.HTMLSpec) (Result, string, error) {
	t.Helper()
	srv := serveBytes(t, contentType, body)
	url := srv.URL + "/ru/press/statements/"
	res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "by", URL: url, HTML: spec}, Conditional{}, testNow)
	return res, srv.URL, err
}

func titles(res Result) []string {
	var out []string
	for _, it := range res.Items {
		out = append(out, it.Title)
	}
	return out
}

var lyingTitles = []string{
	"Заявление МИД в связи с наращиванием сил НАТО у западных границ",
	"Выступление Министра на заседании Совета министров иностранных дел ОДКБ",
	"Комментарий пресс-секретаря по вопросу визового режима",
	"Заявление по итогам консультаций с Китайской Народной Республикой",
}

func TestAPageThatDeclaresWindows1251ButIsUTF8IsReadAsUTF8(t *testing.T) {
	body := readTestdata(t, "pages/statements-declares-1251-is-utf8.html")
	// The ministry's server says windows-1251 in its header too.
	for _, ct := range []string{"text/html; charset=windows-1251", "text/html"} {
		res, _, err := pageItems(t, ct, body, statementsSpec(t, false))
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(res); !slices.Equal(got, lyingTitles) {
			t.Errorf("Content-Type %q: titles\n%q\nwant\n%q", ct, got, lyingTitles)
		}
	}
}

func TestAWindows1251PageIsDecodedFromItsHeaderOrItsMeta(t *testing.T) {
	body := readTestdata(t, "pages/statements-windows-1251.html")
	noMeta := bytes.ReplaceAll(bytes.ReplaceAll(body, []byte(`<meta charset="windows-1251">`), nil),
		[]byte(`<meta http-equiv="content-type" content="text/html; charset=windows-1251">`), nil)
	koi8Meta := bytes.ReplaceAll(body, []byte(`charset=windows-1251`), []byte(`charset=koi8-r`))
	koi8Meta = bytes.ReplaceAll(koi8Meta, []byte(`charset="windows-1251"`), []byte(`charset="koi8-r"`))
	want := []string{"Заявление МИД о размещении ядерного оружия", "О встрече с Послом Литовской Республики"}
	tests := []struct {
		name, contentType string
		body              []byte
	}{
		{"declared by <meta> only", "text/html", body},
		{"declared by the header only", "text/html; charset=windows-1251", noMeta},
		{"the header outranks a wrong <meta>", "text/html; charset=windows-1251", koi8Meta},
		{"a header that says UTF-8 is passed over for the <meta>", "text/html; charset=utf-8", body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := pageItems(t, tt.contentType, tt.body, statementsSpec(t, false))
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(res); !slices.Equal(got, want) {
				t.Errorf("titles %q, want %q", got, want)
			}
		})
	}
}

func TestListItemsGetAbsoluteLinksKeysAndDates(t *testing.T) {
	res, base, err := pageItems(t, "text/html; charset=windows-1251", readTestdata(t, "pages/statements-declares-1251-is-utf8.html"), statementsSpec(t, false))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		link, key string
		date      time.Time // zero: undated
	}{
		{base + "/ru/press/statements/a1b2c3.html", base + "/ru/press/statements/a1b2c3.html", time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)},
		{base + "/ru/press/statements/d4e5f6.html", base + "/ru/press/statements/d4e5f6.html", time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)},
		{base + "/ru/press/statements/a7b8c9.html?utm_source=list&utm_medium=site#top", base + "/ru/press/statements/a7b8c9.html", time.Time{}},
		{"https://mfa.example/ru/press/statements/e1f2a3.html", "https://mfa.example/ru/press/statements/e1f2a3.html", time.Date(2024, 10, 30, 14, 30, 0, 0, time.UTC)},
	}
	if len(res.Items) != len(want) {
		t.Fatalf("%d items, want %d (the commented-out one is no item)", len(res.Items), len(want))
	}
	for i, w := range want {
		it := res.Items[i]
		if it.Link != w.link || it.Key != w.key || it.Story != w.key || it.Feed != "by" || it.Lang != "ru" {
			t.Errorf("item %d: link %q key %q story %q feed %q lang %q\nwant link %q key %q", i, it.Link, it.Key, it.Story, it.Feed, it.Lang, w.link, w.key)
		}
		if w.date.IsZero() != it.DateMissing || (!it.DateMissing && !it.Published.Equal(w.date)) {
			t.Errorf("item %d: published %v (missing %v), want %v", i, it.Published, it.DateMissing, w.date)
		}
		if it.DateMissing && !it.Published.Equal(testNow) {
			t.Errorf("item %d: undated, published %v, want the poll's time", i, it.Published)
		}
	}
}

func TestEveryUsualDateFormIsReadAndLinksResolveAgainstTheBase(t *testing.T) {
	body := readTestdata(t, "pages/dates-and-links.html")
	spec := func(date string) *attache.HTMLSpec {
		return &attache.HTMLSpec{Item: "ul.list1 li", Title: "a", Link: "a@href", Date: date}
	}
	res, base, err := pageItems(t, "text/html", body, spec("span.date"))
	if err != nil {
		t.Fatal(err)
	}
	nov2 := time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)
	wantDates := []time.Time{nov2, nov2, nov2, nov2, nov2, nov2, nov2, nov2.Add(90 * time.Minute), {}, {}, {}, nov2}
	wantLinks := []string{
		base + "/eng/xw/fyrbt/202411/t20241102_1.htm", base + "/eng/xw/fyrbt/202411/t20241102_2.htm",
		base + "/eng/xw/lxjzh/202411/t20241102_3.htm", base + "/eng/zxxx/202411/t20241102_4.htm",
		base + "/eng/xw/fyrbt/t20241102_5.htm", base + "/eng/xw/fyrbt/t20241102_6.htm",
		base + "/eng/xw/fyrbt/t20241102_7.htm", base + "/eng/xw/fyrbt/t20241102_8.htm",
		base + "/eng/xw/fyrbt/t20241102_9.htm", base + "/eng/xw/fyrbt/t20241102_10.htm",
		"https://www.mfa.example/eng/t20241102_11.htm", "",
	}
	if len(res.Items) != len(wantDates) {
		t.Fatalf("%d items, want %d", len(res.Items), len(wantDates))
	}
	for i, it := range res.Items {
		if w := wantDates[i]; w.IsZero() != it.DateMissing || (!w.IsZero() && !it.Published.Equal(w)) {
			t.Errorf("item %d %q: published %v (missing %v), want %v", i, it.Title, it.Published, it.DateMissing, w)
		}
		if it.Link != wantLinks[i] {
			t.Errorf("item %d: link %q, want %q", i, it.Link, wantLinks[i])
		}
	}
	if last := res.Items[11]; !strings.HasPrefix(last.Key, "sha256:") || strings.Contains(last.Story, "http") {
		t.Errorf("a link back to the page itself gave key %q story %q: want a hash of title and date", last.Key, last.Story)
	}

	for _, tt := range []struct {
		date string
		item int
		want time.Time
	}{
		{"time@datetime", 8, nov2.Add(10 * time.Hour)},
		{"span@data-datetime", 9, nov2.Add(11*time.Hour + 15*time.Minute)},
	} {
		res, _, err := pageItems(t, "text/html", body, spec(tt.date))
		if err != nil {
			t.Fatal(err)
		}
		if it := res.Items[tt.item]; it.DateMissing || !it.Published.Equal(tt.want) {
			t.Errorf("date %q: item %d published %v (missing %v), want %v", tt.date, tt.item, it.Published, it.DateMissing, tt.want)
		}
	}

	layout := spec("span.date")
	layout.DateFormat = "2.1.2006"
	res, _, err = pageItems(t, "text/html", body, layout)
	if err != nil {
		t.Fatal(err)
	}
	if it := res.Items[1]; it.DateMissing || !it.Published.Equal(nov2) {
		t.Errorf("date_format 2.1.2006: %v (missing %v)", it.Published, it.DateMissing)
	}
	if it := res.Items[2]; !it.DateMissing {
		t.Errorf("date_format 2.1.2006 read %q as %v: a layout is strict", "2 November 2024", it.Published)
	}
}

func TestALayoutChangeIsItsOwnErrorNotAnEmptyFeed(t *testing.T) {
	_, _, err := pageItems(t, "text/html; charset=utf-8", readTestdata(t, "pages/statements-redesigned.html"), statementsSpec(t, false))
	if !errors.Is(err, ErrSelectorsMatchedNothing) || Classify(err) != attache.PollSelectorsMatchedNothing {
		t.Fatalf("a redesigned page: %v (class %s), want selectors_matched_nothing", err, Classify(err))
	}
	for _, want := range []string{`"a.tabs-content__item" matched no element`, "новый сайт", "layout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	_, _, err = pageItems(t, "text/html", []byte("  \n"), statementsSpec(t, false))
	if Classify(err) != attache.PollSelectorsMatchedNothing {
		t.Errorf("an empty page: %v, want selectors_matched_nothing", err)
	}
}

func TestABotCheckPageStaysNotAFeed(t *testing.T) {
	for _, name := range []string{"botcheck-f5.html", "botcheck-cloudflare.html"} {
		_, _, err := pageItems(t, "text/html", readTestdata(t, name), statementsSpec(t, false))
		if Classify(err) != attache.PollNotAFeed || !strings.Contains(err.Error(), "bot check") {
			t.Errorf("%s: %v (class %s), want not_a_feed naming the bot check", name, err, Classify(err))
		}
	}
}

func TestAListPageIsFetchedAsAPageWithValidators(t *testing.T) {
	body := readTestdata(t, "pages/statements-declares-1251-is-utf8.html")
	var accept string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		accept = r.Header.Get("Accept")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write(body)
	})
	f := newTestFetcher(Options{})
	src := attache.Feed{Name: "by", URL: srv.URL, HTML: statementsSpec(t, false)}
	res, err := f.Items(context.Background(), src, Conditional{}, testNow)
	if err != nil || res.ETag != `"v1"` || len(res.Items) != 4 {
		t.Fatalf("first fetch: %d items, etag %q, %v", len(res.Items), res.ETag, err)
	}
	if !strings.HasPrefix(accept, "text/html") {
		t.Errorf("Accept %q: a list page should ask for HTML", accept)
	}
	res, err = f.Items(context.Background(), src, Conditional{ETag: res.ETag}, testNow)
	if err != nil || !res.NotModified || len(res.Items) != 0 {
		t.Errorf("an unchanged page: %+v, %v; want not modified, nothing parsed", res, err)
	}
}
