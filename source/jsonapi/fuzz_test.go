package jsonapi

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead feeds Read arbitrary bodies through the nested settings: it
// must never panic, must fail only with its own errors, and give items
// with a distinct key, a story, a UTC date, valid UTF-8 and http(s) links.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		if strings.HasSuffix(file, ".golden") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	base, _ := url.Parse("https://mfa.example/api/news")
	compiled := []*Compiled{}
	for _, s := range []Spec{nestedSpec, kzSpec} {
		c, err := s.Compile()
		if err != nil {
			f.Fatal(err)
		}
		compiled = append(compiled, c)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, c := range compiled {
			doc, err := Read(body, base, c)
			if err != nil {
				if !errors.Is(err, ErrNotJSON) && !errors.Is(err, ErrItemsNotFound) {
					t.Fatalf("got an error of no known kind: %v", err)
				}
				continue
			}
			keys := map[string]bool{}
			for _, it := range doc.Items("f", "", testNow) {
				if it.Key == "" || keys[it.Key] || it.Story == "" {
					t.Fatalf("bad identity: key %q, story %q", it.Key, it.Story)
				}
				keys[it.Key] = true
				if it.Published.Location().String() != "UTC" {
					t.Fatalf("date %v is not UTC", it.Published)
				}
				for _, s := range []string{it.Title, it.Summary, it.Content, it.Author, it.Key} {
					if !utf8.ValidString(s) {
						t.Fatalf("invalid UTF-8 in %q", s)
					}
				}
				if it.Link != "" && !strings.HasPrefix(it.Link, "https://") && !strings.HasPrefix(it.Link, "http://") {
					t.Fatalf("link %q is not http(s)", it.Link)
				}
			}
		}
	})
}

// FuzzCompile feeds the settings arbitrary paths and templates: Compile
// must never panic, and what it accepts must read a document without
// panicking.
func FuzzCompile(f *testing.F) {
	for _, s := range []Spec{nestedSpec, kzSpec} {
		f.Add(s.Items, s.Link, s.Date)
	}
	f.Add("$..*", "{$..*}", "$[?length(@)>1]")
	body, err := os.ReadFile("testdata/nested.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, items, link, date string) {
		c, err := Spec{Items: items, Link: link, Date: date}.Compile()
		if err != nil {
			return
		}
		_, _ = Read(body, nil, c)
	})
}
