//go:build !linux

package main

// stateHint has nothing to add where the file system cannot be asked.
func stateHint(path string) string { return "" }
