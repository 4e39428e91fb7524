package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/daemon"
)

// loadConfig reads the configuration, printing every problem as
// FILE:LINE:COL: message. ok is false when the command should exit 2.
func loadConfig(e *env) (*config.Config, bool) {
	cfg, err := config.Load(e.global.config, e.getenv)
	if err != nil {
		var errs *config.Errors
		if errors.As(err, &errs) {
			for _, x := range errs.List {
				fmt.Fprintln(e.stderr, x.Error())
			}
		} else {
			fmt.Fprintf(e.stderr, "attache: %v\n", err)
		}
		return nil, false
	}
	return cfg, true
}

// newLogger builds the logger the global flags ask for, on stderr.
func newLogger(e *env) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.global.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", e.global.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(e.global.logFormat) {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", e.global.logFormat)
}

// daemonSetup is what run and once share: the logger, the configuration
// and the daemon's options; the exit status is non-zero when the command
// should stop.
func daemonSetup(e *env) (daemon.Options, *config.Config, int) {
	log, err := newLogger(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "attache: %v\n", err)
		return daemon.Options{}, nil, exitUsage
	}
	cfg, ok := loadConfig(e)
	if !ok {
		return daemon.Options{}, nil, exitUsage
	}
	return daemon.Options{
		ConfigPath: e.global.config, Getenv: e.getenv, Logger: log, Stdout: e.stdout,
		Version: version, Commit: commit(),
	}, cfg, exitOK
}
