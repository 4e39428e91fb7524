package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/attache-dev/attache/daemon"
)

// onceFlags are the options of `attache once`.
type onceFlags struct {
	wait time.Duration
}

// runFlags are the options of `attache run`.
type runFlags struct {
	shutdownTimeout time.Duration
	listen          string
}

var runCommand = &command{
	name:    "run",
	summary: "run the daemon: poll every feed on its schedule, match, deliver, until SIGINT or SIGTERM",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.DurationVar(&o.run.shutdownTimeout, "shutdown-timeout", daemon.DefaultShutdownTimeout, "how long the poll and the send in flight may take to finish on shutdown")
		fs.StringVar(&o.run.listen, "listen", "", "serve /metrics, /healthz, /readyz and a status page on this `address` (e.g. 127.0.0.1:9464); off by default")
	},
	run: runDaemon,
}

func runDaemon(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(e.stderr, "attache run: unexpected argument %q\n", args[0])
		return exitUsage
	}
	// Listen for SIGHUP before anything else, so that a reload sent while
	// starting is not the default "terminate".
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	opts, cfg, code := daemonSetup(e)
	if code != exitOK {
		return code
	}
	opts.Listen, opts.ShutdownTimeout, opts.Reload = e.opts.run.listen, e.opts.run.shutdownTimeout, hup
	return exitCode(daemon.Run(ctx, cfg, opts))
}

var onceCommand = &command{
	name:    "once",
	summary: "poll every feed once, deliver everything pending, and exit (for cron jobs and CI); exit 1 when a feed failed or an alert is left or dead",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.DurationVar(&o.once.wait, "wait", daemon.DefaultWait, "how long to wait through transient delivery failures (a 500, a 429) for the alerts left")
	},
	run: func(ctx context.Context, e *env, args []string) int {
		if len(args) > 0 {
			fmt.Fprintf(e.stderr, "attache once: unexpected argument %q\n", args[0])
			return exitUsage
		}
		opts, cfg, code := daemonSetup(e)
		if code != exitOK {
			return code
		}
		opts.Wait = e.opts.once.wait
		return exitCode(daemon.Once(ctx, cfg, opts))
	},
}

// exitCode is the exit status of a daemon command's outcome; the daemon
// has logged what went wrong.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, daemon.ErrConfig):
		return exitUsage
	}
	return exitFailure
}
