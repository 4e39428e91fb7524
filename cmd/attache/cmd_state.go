package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/attache-dev/attache/daemon"
)

// stateFlags are the options of `attache state`.
type stateFlags struct {
	from, to string
}

var stateCommand = &command{
	name:    "state",
	args:    "copy --from STATE --to STATE",
	summary: "copy the whole state between a SQLite file and PostgreSQL (postgres://...), into an empty one",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.state.from, "from", "", "the `state` to copy: a SQLite file or a postgres:// URL (not in use); ${VAR} is read from the environment")
		fs.StringVar(&o.state.to, "to", "", "the empty `state` to copy into: a SQLite file or a postgres:// URL")
	},
}

func init() { stateCommand.run = runState }

func runState(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] != "copy" {
		fmt.Fprintln(e.stderr, "attache state: say copy --from STATE --to STATE (attache state -h)")
		return exitUsage
	}
	fs := commandFlags(stateCommand, e.opts)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	o := e.opts.state
	if o.from == "" || o.to == "" {
		fmt.Fprintln(e.stderr, "attache state copy: give both --from and --to")
		return exitUsage
	}
	// ${VAR} in either is read from the environment, so that a password
	// need not be written on the command line, where ps shows it.
	expand := func(s string) string {
		return os.Expand(s, func(name string) string { v, _ := e.getenv(name); return v })
	}
	n, err := daemon.CopyState(ctx, expand(o.from), expand(o.to))
	if err != nil {
		fmt.Fprintf(e.stderr, "attache state copy: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "copied %d feeds, %d items, %d alerted records, %d alerts, %d mutes, %d verdicts and %d stories\n", n.Feeds, n.Items, n.Alerted, n.Alerts, n.Mutes, n.Feedback, n.Stories)
	return exitOK
}
