//go:build !linux

package sqlite

// DiskHint has nothing to add where the file system cannot be asked.
func DiskHint(path string) string { return "" }
