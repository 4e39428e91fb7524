package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/attache-dev/attache/rules"
)

// Error is one problem in a configuration file, at the line and column
// (1-based, counted in characters) of the YAML key or value that causes it.
// For a bad query the position is that of the problem inside the query.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error prints the problem as FILE:LINE:COL: message, the form editors and
// CI annotations understand.
func (e Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every problem found in one configuration file, sorted by
// position. Load and Parse return it as *Errors whenever the file was read
// but is not a valid configuration; any other error means the file could
// not be read at all. Deciding the exit status is the caller's business.
type Errors struct {
	List []Error
	// Warnings are the file's warnings, found beside its errors, so that
	// one run of a check can show both.
	Warnings []Warning
}

// Error prints one problem per line.
func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, x := range e.List {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives errors.As access to each Error.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.List))
	for i, x := range e.List {
		out[i] = x
	}
	return out
}

// Warning is something in a valid configuration that probably does not do
// what its author meant, such as a feed language without a stemmer. It
// does not stop the configuration from loading; `attache check` prints it.
type Warning struct {
	File string
	Line int
	Col  int
	Msg  string
}

// String prints the warning as FILE:LINE:COL: warning: message, the form
// compilers use, which editors and CI annotations tell from an error.
func (w Warning) String() string {
	return fmt.Sprintf("%s:%d:%d: warning: %s", w.File, w.Line, w.Col, w.Msg)
}

// sortWarnings orders warnings by position and drops exact repeats.
func sortWarnings(list []Warning) []Warning {
	slices.SortStableFunc(list, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(list)
}

// sortErrors orders problems by position, then message, and drops exact
// repeats (an alias can make one node be checked twice).
func sortErrors(list []Error) []Error {
	slices.SortStableFunc(list, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(list)
}

// suggest returns the candidate closest to s when it is close enough to be
// a likely typo, else "".
func suggest(s string, candidates []string) string {
	return rules.Closest(s, candidates)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	switch len(words) {
	case 0:
		return "(none)"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
