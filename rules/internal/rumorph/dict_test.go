package rumorph

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

func TestTheEmbeddedDictionaryLoadsQuickly(t *testing.T) {
	start := time.Now()
	d, err := read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// Generous: the load takes about 30 ms on one core; it runs once, when
	// the first rule with a Russian word is compiled.
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("loading took %v", took)
	}
	if d.Lemmas() < 130000 {
		t.Errorf("%d lemmas: the dictionary lost words", d.Lemmas())
	}
}

func TestLookupFindsEveryLemmaOfAForm(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		word, lemma string
		has         []string
		hasNot      []string
	}{
		{"беларуси", "беларусь", []string{"беларусь", "беларусью"}, []string{"беларуся"}},
		{"учения", "учение", []string{"учениями"}, []string{"ученые"}},
		{"ядерное", "ядерный", []string{"ядерными"}, []string{"ядерно"}},
		{"войска", "войско", []string{"войск", "войсках"}, nil},
		{"польшей", "польша", []string{"польши"}, nil},
	}
	for _, c := range cases {
		var found *Lemma
		for _, l := range d.Lookup(c.word) {
			if l.Lemma == c.lemma {
				found = &l
			}
		}
		if found == nil {
			t.Errorf("Lookup(%q) = %v: no lemma %q", c.word, d.Lookup(c.word), c.lemma)
			continue
		}
		for _, f := range c.has {
			if !slices.Contains(found.Forms, f) {
				t.Errorf("%s: forms %v lack %q", c.lemma, found.Forms, f)
			}
		}
		for _, f := range c.hasNot {
			if slices.Contains(found.Forms, f) {
				t.Errorf("%s: forms %v include %q", c.lemma, found.Forms, f)
			}
		}
	}
	for _, w := range []string{"", "nato", "рыженков", "беларусь1"} {
		if ls := d.Lookup(w); len(ls) != 0 {
			t.Errorf("Lookup(%q) = %v, want nothing", w, ls)
		}
	}
}

func TestGuessDeclinesAnUnknownWordLikeTheClosestLemma(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	l, analog, ok := d.Guess("рыженков")
	if !ok || !slices.Contains(l.Forms, "рыженкова") || !slices.Contains(l.Forms, "рыженковом") {
		t.Errorf("Guess(рыженков) = %v like %q, %v", l, analog, ok)
	}
	if _, _, ok := d.Guess("лукашенко"); ok {
		t.Error("Guess(лукашенко) found a paradigm: no known lemma ends like it, and it does not decline")
	}
	if _, _, ok := d.Guess("ли"); ok {
		t.Error("a two-letter word got a guessed paradigm")
	}
}

func TestAMalformedDictionaryIsAnError(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, []Paradigm{{Lemma: "а", Endings: []string{"а", "ы"}}}, []Entry{{Word: "страна", Paradigm: 0}}); err != nil {
		t.Fatal(err)
	}
	if _, err := read(bytes.NewReader(good.Bytes())); err != nil {
		t.Fatalf("a dictionary Write wrote does not read back: %v", err)
	}
	for name, raw := range map[string][]byte{
		"not gzip":  []byte("rumorph1\n"),
		"truncated": good.Bytes()[:len(good.Bytes())/2],
	} {
		if _, err := read(bytes.NewReader(raw)); err == nil {
			t.Errorf("%s: read accepted it", name)
		}
	}
	if err := Write(&bytes.Buffer{}, nil, []Entry{{Word: "nato"}}); err == nil {
		t.Error("Write accepted a word outside the Russian alphabet")
	}
}
