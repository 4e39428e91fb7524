//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lock takes the exclusive lock on the state at path, or fails with an
// *InUseError naming the process that holds it. The lock is an flock(2) on
// its own file, so it is released by the kernel when the process dies,
// however it dies: a kill -9 never leaves a stale lock behind.
func lock(path string) (*os.File, error) {
	f, err := os.OpenFile(lockFile(path), os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := ownerPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &InUseError{Path: path, PID: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", lockFile(path), err)
	}
	if err := writePID(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", lockFile(path), err)
	}
	return f, nil
}
