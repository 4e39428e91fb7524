package sqlite

import (
	"fmt"
	"path/filepath"
	"syscall"
)

// DiskHint says what is wrong with the file system holding the state, when
// something obvious is: no space left, or mounted read-only. SQLite's own
// errors ("disk I/O error") do not say.
func DiskHint(path string) string {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &fs); err != nil {
		return ""
	}
	const stRDOnly = 0x1 // ST_RDONLY
	if fs.Flags&stRDOnly != 0 {
		return "the file system holding it is read-only"
	}
	if free := fs.Bavail * uint64(fs.Bsize); free < 1<<20 {
		return fmt.Sprintf("the disk holding it is full (%d KiB free)", free>>10)
	}
	return ""
}
