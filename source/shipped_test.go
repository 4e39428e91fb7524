package source

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/config"
)

// shippedSource is a source of the shipped rules.yaml, by name.
func shippedSource(t *testing.T, name string) attache.Feed {
	t.Helper()
	cfg, err := config.Load("../rules.yaml", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range cfg.Feeds {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("rules.yaml has no source %q", name)
	return attache.Feed{}
}

// TestShippedListPageSelectorsPickTheStatements reads pages written in the
// shape of the real lists with the shipped selectors, served at the real
// paths: each statement once, and none of the menu, footer and paging links
// that share the address's prefix.
func TestShippedListPageSelectorsPickTheStatements(t *testing.T) {
	tests := []struct {
		source, path, fixture string
		want                  []string // link suffixes, in page order
	}{
		{"csto-ru", "/news/news_odkb/", "pages/csto-news.html", []string{
			"/news/news_odkb/sovet-ministrov-inostrannykh-del-odkb-obsudil-situatsiyu-u-zapadnykh-granits/",
			"/news/news_odkb/generalnyy-sekretar-odkb-provel-vstrechu-v-minske/",
			"https://odkb-csto.org/news/news_odkb/nachalis-shtabnye-trenirovki-kollektivnykh-sil/",
		}},
		{"china-mfa-en-pressers", "/eng/xw/fyrbt/lxjzh/", "pages/pressers-en.html", []string{
			"/eng/xw/fyrbt/lxjzh/202602/t20260213_11412345.html",
			"/eng/xw/fyrbt/lxjzh/202602/t20260212_11411234.html",
			"/eng/xw/fyrbt/lxjzh/202602/t20260211_11410123.html",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			src := shippedSource(t, tt.source)
			page := readTestdata(t, tt.fixture)
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write(page)
			})
			src.URL = srv.URL + tt.path
			res, err := newTestFetcher(Options{}).Items(context.Background(), src, Conditional{}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range res.Items {
				got = append(got, it.Link)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("links %q, want %d statements", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasSuffix(got[i], w) && got[i] != w {
					t.Errorf("item %d links to %q, want %q", i, got[i], w)
				}
			}
			if slices.ContainsFunc(res.Items, func(it attache.Item) bool { return strings.TrimSpace(it.Title) == "" }) {
				t.Errorf("an item has no title: %+v", res.Items)
			}
		})
	}
}
