package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/attache-dev/attache/config"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func init() {
	config.DefaultUserAgent = "attache/" + version + " (+https://github.com/attache-dev/attache)"
}

// commit is the VCS revision the binary was built from, when known.
func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		rev += " (modified)"
	}
	return rev
}

var versionCommand = &command{
	name:    "version",
	summary: "print the version, commit and Go version",
	run: func(ctx context.Context, e *env, args []string) int {
		fmt.Fprintf(e.stdout, "attache %s\ncommit %s\n%s %s/%s\n", version, commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	},
}
