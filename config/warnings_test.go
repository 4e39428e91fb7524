package config

import (
	"errors"
	"slices"
	"testing"
)

func warnings(list []Warning) []string {
	var out []string
	for _, w := range list {
		out = append(out, w.String())
	}
	return out
}

func TestALanguageWithoutAStemmerIsAWarningNotAnError(t *testing.T) {
	path := writeConfig(t, withLog+"feeds:\n"+
		"  - {name: a, url: \"https://e.org/a\", lang: en}\n"+
		"  - {name: b, url: \"https://e.org/b\", lang: ru}\n"+
		"  - {name: c, url: \"https://e.org/c\", lang: xx}\n"+
		"  - name: d\n    url: https://e.org/d\n    lang: de-AT\n"+
		"  - {name: e, url: \"https://e.org/e\"}\n")
	cfg, err := Load(path, testEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{
		path + `:6:45: warning: feeds[2].lang: no stemmer or morphology for language "xx": words of this feed match only as written, so a query word will not find its other forms (is the code mistyped?)`,
		path + `:9:11: warning: feeds[3].lang: no stemmer or morphology for language "de-AT": words of this feed match only as written, so a query word will not find its other forms (is the code mistyped?)`,
	}
	if got := warnings(cfg.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant:\n%q", got, want)
	}
	if cfg.Feeds[2].Lang != "xx" {
		t.Errorf("feed c has lang %q, want the one written, xx", cfg.Feeds[2].Lang)
	}
}

func TestWarningsComeBesideErrors(t *testing.T) {
	path := writeConfig(t, "feeds:\n  - {name: a, url: \"https://e.org/a\", lang: xx}\nretention: forever\n")
	_, err := Load(path, testEnv)
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error %v, want *Errors", err)
	}
	if len(errs.List) != 1 || len(errs.Warnings) != 1 || errs.Warnings[0].Line != 2 || errs.Warnings[0].Col != 45 {
		t.Errorf("errors %q and warnings %q, want one of each, the warning at 2:45", errs.List, warnings(errs.Warnings))
	}
}

func TestTheShippedConfigurationHasNoWarnings(t *testing.T) {
	cfg, err := Load("../rules.yaml", testEnv)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(cfg.Warnings) > 0 {
		t.Errorf("warnings in the shipped rules.yaml:\n%q", warnings(cfg.Warnings))
	}
}
