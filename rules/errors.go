package rules

import (
	"fmt"
	"strings"
)

// SyntaxError is a problem in one query, at a byte offset into it.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

func errAt(off int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// RuleError is a problem in one rule's query.
type RuleError struct {
	Rule  int    // index in the slice given to Compile
	Name  string // the rule's name
	Query string
	Err   *SyntaxError
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %q: query %s", e.Name, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// ListError is a problem in one entry of a named list.
type ListError struct {
	List  string
	Entry int // index of the entry
	Value string
	Err   *SyntaxError
}

func (e *ListError) Error() string {
	return fmt.Sprintf("list %q entry %d (%q): %s", e.List, e.Entry+1, e.Value, e.Err.Msg)
}

func (e *ListError) Unwrap() error { return e.Err }

// CompileError gathers every problem found by Compile, so that a user sees
// them all at once rather than one per attempt.
type CompileError struct {
	Errs []error // *RuleError and *ListError
}

func (e *CompileError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap gives errors.As access to each problem.
func (e *CompileError) Unwrap() []error { return e.Errs }
