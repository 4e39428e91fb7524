package story

import (
	"reflect"
	"testing"
	"time"
)

// FuzzSign feeds Sign any title and text: it must not panic, must give the
// same signature twice, and must compare an item with itself as one story.
func FuzzSign(f *testing.F) {
	for _, s := range []string{
		"Хренин: у границ Беларуси до 40 тыс. военных НАТО", "NATO's BALTOPS — 50 ships, June 3–20",
		"2025年6月12日外交部发言人林剑主持例行记者会", "<p>Lukashenko&nbsp;said</p>", "с 12 по 16 сентября",
		"3,5 тыс. 90 000 1.5 million 5%", "\xff\xfe broken", "—:«»", "Alma-Ata: Lin Jian said",
	} {
		f.Add(s, s, "ru")
	}
	f.Fuzz(func(t *testing.T, title, text, lang string) {
		it := Item{ID: "x", Title: title, Text: text, Lang: lang, Published: time.Unix(1.75e9, 0)}
		a, b := Sign(it), Sign(it)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two signatures of one item differ:\n%+v\n%+v", a, b)
		}
		r := Compare(&a, &b, DefaultWeights)
		if len(r.Against) > 0 {
			t.Errorf("an item speaks against itself: %v", r.Against)
		}
	})
}

// FuzzRevise: a version compared with itself is no revision, and Revise
// never panics.
func FuzzRevise(f *testing.F) {
	f.Add("Khrenin: up to 40,000 troops", "<p>up to 50 000</p>")
	f.Add("«Орешник»", "Орешник")
	f.Fuzz(func(t *testing.T, a, b string) {
		if r, ok := Revise(Version{Title: a, Text: b}, Version{Title: a, Text: b}); ok {
			t.Fatalf("a version differs from itself: %s", r)
		}
		r, _ := Revise(Version{Title: a}, Version{Title: b})
		_ = r.String()
	})
}
