// Command attache watches foreign-ministry and government press feeds,
// matches every new item against an analyst's rules and delivers alerts.
//
// Run "attache help" for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set. The live heap of a daemon is tens of MiB; the peaks come
// from parsing a large body (a 10 MB item, a 100,000-item feed), where the
// runtime would otherwise let garbage grow to twice the live heap. Near
// the limit it collects sooner instead, which keeps the daemon inside the
// shipped Kubernetes limit (see deploy/kubernetes and RELIABILITY.md).
const defaultMemoryLimit = 128 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		cancel() // the orderly stop: what is in flight finishes
		<-signals
		fmt.Fprintln(os.Stderr, "attache: second interrupt: exiting at once; what was in flight is retried at the next start")
		os.Exit(exitFailure)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
