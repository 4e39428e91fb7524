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
	"syscall"
)

func main() {
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
