package rules

import "testing"

func TestSupportsLanguageSaysWhetherDocumentWordsAreStemmed(t *testing.T) {
	tests := []struct {
		lang string
		want bool
	}{
		{"en", true},
		{"en-GB", true},
		{"FR", true},
		{"es", true},
		{"nb", true},
		{"ru", true}, // Cyrillic words get Russian, Latin ones English
		{"zh", true}, // Latin words in Chinese texts get English
		{"", true},   // no language is English
		{"de", false},
		{"xx", false},
		{"eng", false},
	}
	for _, tt := range tests {
		if got := SupportsLanguage(tt.lang); got != tt.want {
			t.Errorf("SupportsLanguage(%q) = %v, want %v", tt.lang, got, tt.want)
		}
		// What a no promises: a document's Latin words stay as written.
		if w := "borders"; !tt.want && stem(docStemmer(w, latinStemmerFor(tt.lang)), w) != w {
			t.Errorf("%q: SupportsLanguage says no but %q is stemmed", tt.lang, w)
		}
	}
}
