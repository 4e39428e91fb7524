package main

import (
	"context"
	"fmt"

	"github.com/attache-dev/attache/daemon"
)

var checkCommand = &command{
	name:    "check",
	summary: "validate the configuration: every problem as FILE:LINE:COL: message, or a one-line summary",
	run: func(ctx context.Context, e *env, args []string) int {
		if len(args) > 0 {
			fmt.Fprintf(e.stderr, "attache check: unexpected argument %q\n", args[0])
			return exitUsage
		}
		cfg, ok := loadConfig(e)
		if !ok {
			return exitUsage
		}
		if _, err := daemon.Notifiers(cfg, e.stdout); err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", cfg.Path, err)
			return exitUsage
		}
		fmt.Fprintf(e.stdout, "%s: OK\n", cfg.Summary())
		return exitOK
	},
}
