package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// oncePeakMiB runs `attache once`, which must succeed within timeout, and
// returns its peak resident memory in MiB.
func (s *site) oncePeakMiB(timeout time.Duration) int64 {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := s.command(ctx, "once")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	peak, err := runMeasured(cmd)
	if err != nil {
		s.t.Fatalf("attache once: %v\n%s", err, errb.String())
	}
	return peak >> 10
}

// runMeasured runs cmd and returns its peak resident memory in KiB, read
// from VmHWM in /proc/PID/status while it runs (Linux). Rusage's Maxrss
// cannot be used: Go starts a child in the parent's address space, and
// Linux counts the parent's high-water mark (the test process's) in the
// child's. The peak of a parse lasts far longer than the 5 ms between reads.
func runMeasured(cmd *exec.Cmd) (int64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var hwm int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, ok := vmHWM(cmd.Process.Pid); ok && v > hwm {
				hwm = v
			}
			select {
			case <-done:
				peak <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	return <-peak, err
}

// vmHWM reads the peak resident set of a running process, in KiB.
func vmHWM(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v, err == nil
		}
	}
	return 0, false
}
