package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/attache-dev/attache/config"
	"github.com/attache-dev/attache/internal/buildinfo"
)

// version is the build's: stamped by releases, else recorded by the Go
// toolchain (see internal/buildinfo).
var version = buildinfo.Read().Version

func init() {
	config.DefaultUserAgent = "attache/" + version + " (+https://github.com/attache-dev/attache)"
}

// commit is the revision the binary was built from, when known.
func commit() string { return buildinfo.Read().Commit() }

var versionCommand = &command{
	name:    "version",
	summary: "print the version, commit and Go version",
	run: func(ctx context.Context, e *env, args []string) int {
		fmt.Fprintf(e.stdout, "attache %s\ncommit %s\n%s %s/%s\n", version, commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	},
}
