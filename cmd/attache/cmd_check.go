package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/daemon"
)

var checkCommand = &command{
	name:    "check",
	summary: "validate the configuration: every problem as FILE:LINE:COL: message, or a one-line summary; --explain prints what every term matches",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.check.explain, "explain", false, "print, for every list entry and query term, the word forms or stems it matches, with warnings")
	},
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
		if e.opts.check.explain && !explain(e.stdout, cfg) {
			return exitUsage
		}
		fmt.Fprintf(e.stdout, "%s: OK\n", cfg.Summary())
		return exitOK
	},
}

// explain prints what every term of the configuration matches.
func explain(w io.Writer, cfg *config.Config) bool {
	ex, err := cfg.Explain()
	if err != nil {
		fmt.Fprintf(w, "%s: %v\n", cfg.Path, err)
		return false
	}
	for _, x := range ex {
		fmt.Fprintln(w, x)
	}
	return true
}
