package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func record(version string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/attache-dev/attache", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestTheVersionComesFromTheStampThenTheToolchain(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name    string
		stamped stamp
		bi      *debug.BuildInfo
		want    string
		commit  string
	}{
		{"a release stamp wins over what the toolchain recorded",
			stamp{version: "v1.2.3"}, record("v0.0.0-20260102030405-0123456789ab", "vcs.revision", rev, "vcs.time", "2026-01-02T03:04:05Z", "vcs.modified", "false"),
			"attache v1.2.3 (commit 0123456789ab, 2026-01-02T03:04:05Z; go1.26.8 " + platform + ")", "0123456789ab"},
		{"go install of a tag gives the tag",
			stamp{}, record("v1.4.0"),
			"attache v1.4.0 (commit unknown; go1.26.8 " + platform + ")", "unknown"},
		{"a build in a repository with changes gives the pseudo-version and says modified",
			stamp{}, record("v0.0.0-20260102030405-0123456789ab+dirty", "vcs.revision", rev, "vcs.time", "2026-01-02T03:04:05Z", "vcs.modified", "true"),
			"attache v0.0.0-20260102030405-0123456789ab+dirty (commit 0123456789ab (modified), 2026-01-02T03:04:05Z; go1.26.8 " + platform + ")", "0123456789ab (modified)"},
		{"a build outside a repository is devel",
			stamp{}, record("(devel)"),
			"attache devel (commit unknown; go1.26.8 " + platform + ")", "unknown"},
		{"a stamped revision and time stand for a clean release tree",
			stamp{"v1.2.3", "fedcba9876543210fedcba9876543210fedcba98", "2026-03-04T05:06:07+01:00"},
			record("(devel)", "vcs.revision", rev, "vcs.time", "2026-01-02T03:04:05Z", "vcs.modified", "true"),
			"attache v1.2.3 (commit fedcba987654, 2026-03-04T04:06:07Z; go1.26.8 " + platform + ")", "fedcba987654"},
		{"a binary without a record still has a version",
			stamp{version: " v2.0.0\n"}, nil,
			"attache v2.0.0 (commit unknown; " + runtime.Version() + " " + platform + ")", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := fromBuild(tt.stamped, tt.bi)
			if got := info.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := info.Commit(); got != tt.commit {
				t.Errorf("Commit() = %q, want %q", got, tt.commit)
			}
		})
	}
}

func TestTheCommitTimeIsParsed(t *testing.T) {
	info := fromBuild(stamp{}, record("v1.0.0", "vcs.time", "2026-01-02T03:04:05Z"))
	if want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC); !info.Time.Equal(want) {
		t.Errorf("Time = %v, want %v", info.Time, want)
	}
}

func TestReadDescribesThisBinary(t *testing.T) {
	info := Read()
	if info.Version == "" || info.GoVersion != runtime.Version() || info.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Read() = %+v, want a version, this Go and this platform", info)
	}
}
