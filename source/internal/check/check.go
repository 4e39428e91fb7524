// Package check holds the error type that the source readers' Validate
// methods return, so that the configuration layer can point each problem
// at the key it concerns (FILE:LINE:COL) whichever reader found it.
package check

import (
	"errors"
	"strings"
)

// Problem is one thing wrong with a reader's settings.
type Problem struct {
	// Key is the setting concerned, as rules.yaml spells it inside the
	// reader's block: "items", "include[2]", "headers.Authorization".
	Key string
	// Msg says what is wrong and, where it can, how to write it right.
	Msg string
}

// Error is "key: message".
func (p *Problem) Error() string {
	if p.Key == "" {
		return p.Msg
	}
	return p.Key + ": " + p.Msg
}

// List gathers problems in the order they were found.
type List []*Problem

// Add records a problem with key.
func (l *List) Add(key, msg string) { *l = append(*l, &Problem{Key: key, Msg: msg}) }

// Err returns nil when there is no problem, else an error whose Unwrap
// gives each *Problem (errors.As finds the first; ranging over Problems
// finds them all).
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &Problems{List: l}
}

// Problems is the error that Validate returns: every problem found, not
// only the first, so that `attache check` can print them all at once.
type Problems struct {
	List List
}

// Error joins the problems, one a line.
func (p *Problems) Error() string {
	msgs := make([]string, len(p.List))
	for i, q := range p.List {
		msgs[i] = q.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap gives each problem, for errors.As and errors.Is.
func (p *Problems) Unwrap() []error {
	errs := make([]error, len(p.List))
	for i, q := range p.List {
		errs[i] = q
	}
	return errs
}

// All returns the problems an error holds: those of a *Problems, or the
// single *Problem it wraps, or none.
func All(err error) []*Problem {
	var ps *Problems
	if errors.As(err, &ps) {
		return ps.List
	}
	var p *Problem
	if errors.As(err, &p) {
		return []*Problem{p}
	}
	return nil
}
