package source

import (
	"errors"
	"strings"
	"testing"

	"github.com/attache-dev/attache"
)

func TestNestingDepth(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want int
	}{
		{"a flat feed", `<rss><channel><item><title>a</title></item></channel></rss>`, 4},
		{"self-closing elements do not nest", `<rss><channel><link href="x"/><link href="y"/></channel></rss>`, 3},
		{"comments, CDATA and the prolog are skipped", `<?xml version="1.0"?><!-- <a><b> --><rss><![CDATA[<x><y><z>]]></rss>`, 1},
		{"a quoted > inside an attribute is not the tag's end", `<rss><a t="1>2"/><b/></rss>`, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := nestingDepth([]byte(c.doc), 100); got != c.want {
				t.Errorf("depth = %d, want %d", got, c.want)
			}
		})
	}
}

func TestDeeplyNestedDocumentsAreRefusedBeforeParsing(t *testing.T) {
	doc := "<rss><channel>" + strings.Repeat("<a>", 100_000)
	_, err := ParseItems(&Response{Body: []byte(doc)}, attache.Feed{Name: "f"}, testNow)
	if !errors.Is(err, ErrParse) || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("err = %v, want a parse error about nesting", err)
	}
	items, err := ParseItems(&Response{Body: readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml")}, attache.Feed{Name: "f"}, testNow)
	if err != nil || len(items) != 20 {
		t.Fatalf("a real feed: %d items, %v", len(items), err)
	}
}
