package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/attache-dev/attache"

	"go.yaml.in/yaml/v3"
)

// Load reads and validates the configuration file at path. getenv supplies
// ${VAR} values; nil means os.LookupEnv. A file that cannot be read gives
// that error; a file that is not a valid configuration gives *Errors with
// every problem in it.
func Load(path string, getenv func(string) (string, bool)) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(data, path, getenv)
}

// Parse validates configuration text. filename names it in messages and
// is the base of relative paths (state, feeds given as paths); getenv
// supplies ${VAR} values, nil meaning os.LookupEnv. On any problem it
// returns nil and *Errors listing them all, sorted by position. Warnings,
// which do not make the file invalid, are in Config.Warnings, or in
// Errors.Warnings beside the problems.
func Parse(data []byte, filename string, getenv func(string) (string, bool)) (*Config, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	l := &loader{
		file: filename, dir: filepath.Dir(filename), data: data, getenv: getenv,
		cfg: &Config{
			Path: filename, State: attache.DefaultState, Schedule: attache.DefaultSchedule, Timezone: time.UTC,
			Retention: attache.DefaultRetention, LeaseTTL: attache.DefaultLeaseTTL, StaleAfter: attache.DefaultStaleAfter, MaxNewItems: attache.DefaultMaxNewItems,
			HTTP:  HTTP{Timeout: attache.DefaultTimeout, MaxBody: attache.DefaultMaxBody, MaxText: attache.DefaultMaxText, UserAgent: DefaultUserAgent},
			Lists: map[string][]string{}, Destinations: map[string]Destination{},
		},
		refs: references{feeds: map[string]*yaml.Node{}, tags: map[string]*yaml.Node{}, lists: map[string][]*yaml.Node{}},
	}
	if root := l.document(); root != nil {
		l.top(root)
		l.references()
		l.compile()
	}
	for i := range l.warns {
		l.warns[i].Msg = redact(l.warns[i].Msg, l.secrets)
	}
	warnings := sortWarnings(l.warns)
	if len(l.errs) > 0 {
		for i := range l.errs {
			l.errs[i].Msg = redact(l.errs[i].Msg, l.secrets)
		}
		return nil, &Errors{List: sortErrors(l.errs), Warnings: warnings}
	}
	l.cfg.Warnings = warnings
	return l.cfg, nil
}

// document parses the YAML and returns the root node of its one document,
// or nil after reporting why there is none.
func (l *loader) document() *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(l.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.errorPos(1, 1, "", "empty configuration: nothing to check (see the example rules.yaml)")
		} else {
			l.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.syntaxError(err)
		return nil
	case len(extra.Content) > 0 && !isNull(extra.Content[0]):
		l.errorAt(extra.Content[0], "", "a second YAML document: the configuration is one document, remove the ---")
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		l.errorAt(&doc, "", "empty configuration: nothing to check (see the example rules.yaml)")
		return nil
	}
	return doc.Content[0]
}

// syntaxError reports a YAML syntax error at the character that causes it.
func (l *loader) syntaxError(err error) {
	f := explainYAML(l.data, err)
	l.errorPos(f.line, f.col, "", f.msg)
}
