package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses (SPEC §1).
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure
	exitUsage   = 2 // bad usage or an invalid configuration
)

// env is what every command gets: its output streams, the options of the
// command line and the environment.
type env struct {
	stdout, stderr io.Writer
	global         *globalFlags
	opts           *options
	getenv         func(string) (string, bool)
}

// options are the flags of the command line: the global ones and each
// command's own.
type options struct {
	global globalFlags
	run    runFlags
	once   onceFlags
	alerts alertsFlags
	test   testFlags
	check  checkFlags
	state  stateFlags
	rules  rulesFlags
}

// checkFlags are the options of `attache check`.
type checkFlags struct {
	explain bool
}

// command is one subcommand.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	// flags registers the command's own flags into o; may be nil.
	flags func(fs *flag.FlagSet, o *options)
	run   func(ctx context.Context, e *env, args []string) int
}

var commands = []*command{runCommand, onceCommand, checkCommand, testCommand, alertsCommand, rulesCommand, stateCommand, sendTestCommand, versionCommand}

// globalFlags are accepted before the command and after it.
type globalFlags struct {
	config    string
	logLevel  string
	logFormat string
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	def := "rules.yaml"
	if v := os.Getenv("ATTACHE_CONFIG"); v != "" {
		def = v
	}
	if g.config == "" {
		g.config = def
	}
	if g.logLevel == "" {
		g.logLevel = "info"
	}
	if g.logFormat == "" {
		g.logFormat = "text"
	}
	fs.StringVar(&g.config, "c", g.config, "configuration `file` (default rules.yaml, or $ATTACHE_CONFIG)")
	fs.StringVar(&g.config, "config", g.config, "configuration `file` (same as -c)")
	fs.StringVar(&g.logLevel, "log-level", g.logLevel, "log level: debug, info, warn or error")
	fs.StringVar(&g.logFormat, "log-format", g.logFormat, "log format on stderr: text or json")
}

// run is the whole program: it parses the command line, runs one command and
// returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &options{}
	e := &env{stdout: stdout, stderr: stderr, global: &o.global, opts: o, getenv: os.LookupEnv}
	top := flag.NewFlagSet("attache", flag.ContinueOnError)
	top.SetOutput(stderr)
	e.global.register(top)
	showVersion := top.Bool("version", false, "print the version and exit (as attache version)")
	top.Usage = func() { usage(stderr) }
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	rest := top.Args()
	if *showVersion {
		return versionCommand.run(ctx, e, nil)
	}
	if len(rest) == 0 {
		usage(stderr)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	if name == "help" {
		if len(rest) > 0 {
			if c := lookup(rest[0]); c != nil {
				commandUsage(stdout, c, e.global)
				return exitOK
			}
		}
		usage(stdout)
		return exitOK
	}
	c := lookup(name)
	if c == nil {
		fmt.Fprintf(stderr, "attache: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	fs := commandFlags(c, e.opts)
	fs.SetOutput(stderr)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return c.run(ctx, e, fs.Args())
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandFlags(c *command, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("attache "+c.name, flag.ContinueOnError)
	o.global.register(fs)
	if c.flags != nil {
		c.flags(fs, o)
	}
	fs.Usage = func() { commandUsage(fs.Output(), c, &o.global) }
	return fs
}

func usage(w io.Writer) {
	fmt.Fprint(w, `attache watches foreign-ministry and government press feeds, matches every new
item against your rules and posts alerts.

Usage: attache [global flags] COMMAND [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `  help       this text; "attache help COMMAND" or "attache COMMAND -h" for one command

Global flags (before or after the command):
  --version               print the version and exit
  -c, --config FILE       configuration file (default rules.yaml, or $ATTACHE_CONFIG)
  --log-level LEVEL       debug, info, warn or error (default info)
  --log-format FORMAT     text or json, on stderr (default text)

Exit status: 0 success, 1 runtime failure, 2 bad usage or invalid configuration.
`)
}

func commandUsage(w io.Writer, c *command, g *globalFlags) {
	fmt.Fprintf(w, "Usage: attache %s [flags] %s\n\n%s\n\nFlags:\n", c.name, c.args, c.summary)
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	(&globalFlags{}).register(fs)
	if c.flags != nil {
		c.flags(fs, &options{})
	}
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		dash := "-"
		if len(f.Name) > 1 {
			dash = "--"
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "0s" && !strings.Contains(help, "default") {
			help += fmt.Sprintf(" (default %s)", def)
		}
		lines = append(lines, fmt.Sprintf("  %s%s %s\n    \t%s", dash, f.Name, name, help))
	})
	sort.Strings(lines)
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
