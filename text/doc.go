// Package text reduces HTML to the plain text that rules match and that
// hits point into, with one list of the elements whose text is hidden and
// of those that break lines. Fields of items (strings that may hold HTML)
// go through Plain; pages already parsed (list pages, item pages) go
// through Line and Block.
package text
