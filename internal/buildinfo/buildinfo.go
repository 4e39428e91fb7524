// Package buildinfo says which build of attache is running: the version a
// release stamped into the binary, or else what the Go toolchain recorded
// when it built it (the module version of `go install ...@v1.2.3`, the
// commit, its time, and whether the tree had uncommitted changes).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Release builds (scripts/release.sh, the container image) stamp these
// with
//
//	-ldflags "-X github.com/attache-dev/attache/internal/buildinfo.version=v1.2.3
//	          -X github.com/attache-dev/attache/internal/buildinfo.revision=<commit>
//	          -X github.com/attache-dev/attache/internal/buildinfo.date=<commit time, RFC 3339>"
//
// rather than count on the toolchain's own record, which is missing when
// the source has no .git directory (a container build context, a git
// worktree) or when GOFLAGS has -buildvcs=false. They must stay
// uninitialised string variables: the linker cannot set one whose initial
// value is computed, and says nothing when it does not.
var version, revision, date string

// Devel is the version of a build that carries none: `go run`, or `go
// build` outside a repository.
const Devel = "devel"

// Info describes the running binary.
type Info struct {
	// Version is the release version ("v1.2.3"), the module version the
	// toolchain derived from the repository (a tag, or a pseudo-version
	// such as v0.0.0-20260102030405-0123456789ab+dirty), or Devel.
	Version string
	// Revision is the commit the binary was built from, "" when unknown.
	Revision string
	// Time is the commit's time, zero when unknown.
	Time time.Time
	// Modified is true when the tree had uncommitted changes.
	Modified bool
	// GoVersion is the Go release that built the binary.
	GoVersion string
	// Platform is GOOS/GOARCH.
	Platform string
}

// Read returns what is known of the running binary.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return fromBuild(stamp{version, revision, date}, bi)
}

// stamp is what a release build set with -X.
type stamp struct{ version, revision, date string }

// fromBuild combines a release stamp with the toolchain's record, which is
// nil when the binary has none. What was stamped wins: a stamped revision
// is a release's, built from a clean tree.
func fromBuild(st stamp, bi *debug.BuildInfo) Info {
	info := Info{Version: Devel, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			info.Version = v
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time, _ = time.Parse(time.RFC3339, s.Value)
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if v := strings.TrimSpace(st.version); v != "" {
		info.Version = v
	}
	if r := strings.TrimSpace(st.revision); r != "" {
		info.Revision, info.Modified = r, false
		info.Time, _ = time.Parse(time.RFC3339, strings.TrimSpace(st.date))
	}
	return info
}

// Commit is the revision shortened to 12 characters, with " (modified)"
// when the tree had changes, or "unknown".
func (i Info) Commit() string {
	c := i.Revision
	if c == "" {
		return "unknown"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if i.Modified {
		c += " (modified)"
	}
	return c
}

// String is the one line `attache --version` prints:
//
//	attache v1.2.3 (commit 0123456789ab, 2026-01-02T03:04:05Z; go1.26.8 linux/amd64)
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "attache %s (commit %s", i.Version, i.Commit())
	if !i.Time.IsZero() {
		fmt.Fprintf(&b, ", %s", i.Time.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "; %s %s)", i.GoVersion, i.Platform)
	return b.String()
}
