package sqlite

import (
	"bytes"
	"fmt"
	"os"
	"strconv"

	"github.com/attache-dev/attache/store"
)

// InUseError says that another process holds the state's lock.
type InUseError struct {
	Path string
	PID  int // the owner's process id, as it wrote it in the lock file; 0 if unknown
}

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("state %s is in use by another attache (pid %d)", e.Path, e.PID)
	}
	return fmt.Sprintf("state %s is in use by another attache", e.Path)
}

// Is makes errors.Is(err, store.ErrInUse) hold.
func (e *InUseError) Is(target error) bool { return target == store.ErrInUse }

// lockFile is the lock beside the state file path. A file of its own rather
// than a lock on the database: SQLite takes and drops its own locks on the
// database file as it goes, and closing any descriptor of it would drop a
// process-wide POSIX lock as well.
func lockFile(path string) string { return path + ".lock" }

// ownerPID reads the process id that the lock's owner wrote, or 0.
func ownerPID(f *os.File) int {
	var buf [32]byte
	n, _ := f.ReadAt(buf[:], 0)
	pid, err := strconv.Atoi(string(bytes.TrimSpace(buf[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// writePID records this process as the owner.
func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
