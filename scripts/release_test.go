package scripts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// testTag is the release tag the tests make in their own clones, never in
// the repository they run from.
const testTag = "v0.0.0-releasetest"

// allPlatforms are the platforms a release builds by default.
var allPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// clone makes a clone of this repository that shares its objects, tags its
// HEAD with each of tags, and returns it with the commit of HEAD. Nothing is
// checked out: a release reads the tag's tree from git.
func clone(t *testing.T, tags ...string) (string, string) {
	t.Helper()
	needTools(t, "git", "bash", "tar", "gzip")
	src, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "repo")
	git(t, "", "clone", "--quiet", "--no-checkout", "--shared", src, dir)
	for _, tag := range tags {
		git(t, dir, "tag", tag)
	}
	return dir, git(t, dir, "rev-parse", "HEAD")
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// release runs this checkout's scripts/release.sh in repo and returns its
// standard output, its standard error and its exit code.
func release(t *testing.T, repo string, env []string, args ...string) (string, string, int) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(root, "scripts", "release.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return stdout.String(), stderr.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("release.sh: %v", err)
	}
	return stdout.String(), stderr.String(), 0
}

func TestReleaseOfATagBuildsThisPlatformAndTheBinaryKnowsItsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release binary")
	}
	buildAndCheck(t, []string{runtime.GOOS + "/" + runtime.GOARCH})
}

func TestReleaseOfATagCrossBuildsEveryPlatform(t *testing.T) {
	if os.Getenv("ATTACHE_RELEASE_ALL") == "" {
		t.Skip("set ATTACHE_RELEASE_ALL=1 to build the release for every platform (minutes)")
	}
	buildAndCheck(t, allPlatforms)
}

// buildAndCheck releases testTag for platforms and checks every artefact:
// the checksums, the archives' contents, and each binary's platform, static
// linking and, where it runs, its version.
func buildAndCheck(t *testing.T, platforms []string) {
	repo, commit := clone(t, testTag)
	out := t.TempDir()
	_, stderr, code := release(t, repo, nil, "--platforms", strings.Join(platforms, " "), "--out", out, "--no-image", testTag)
	if code != 0 {
		t.Fatalf("release.sh exited %d:\n%s", code, stderr)
	}
	sums := checksums(t, filepath.Join(out, "attache_0.0.0-releasetest_checksums.txt"))
	if len(sums) != len(platforms) {
		t.Errorf("checksums list %d archives, want %d: %v", len(sums), len(platforms), sums)
	}
	for _, platform := range platforms {
		goos, goarch, _ := strings.Cut(platform, "/")
		name := fmt.Sprintf("attache_0.0.0-releasetest_%s_%s", goos, goarch)
		archive := filepath.Join(out, name+".tar.gz")
		data, err := os.ReadFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); sums[name+".tar.gz"] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: checksum %q in the file, %x computed", name, sums[name+".tar.gz"], sum)
		}
		dir := t.TempDir()
		files := extract(t, data, dir)
		want := []string{"LICENSE", "NOTICE", "README.md", "THIRD_PARTY_LICENSES", "attache", "docs/install.md",
			"rules.yaml", "systemd/attache.env.example", "systemd/attache.service"}
		for i := range want {
			want[i] = name + "/" + want[i]
		}
		if !slices.Equal(files, want) {
			t.Errorf("%s holds %q, want %q", name, files, want)
		}
		bin := filepath.Join(dir, name, "attache")
		checkBinary(t, bin, goos, goarch)
		if goos == runtime.GOOS && goarch == runtime.GOARCH {
			got, err := exec.Command(bin, "version").CombinedOutput()
			if err != nil {
				t.Fatalf("%s version: %v\n%s", bin, err, got)
			}
			lines := strings.Split(string(got), "\n")
			if lines[0] != "attache "+testTag || len(lines) < 2 || lines[1] != "commit "+commit[:12] {
				t.Errorf("attache version printed %q, want attache %s and commit %s", got, testTag, commit[:12])
			}
		}
	}
}

func TestReleaseDryRunShowsStaticStampedBuildsForEveryPlatform(t *testing.T) {
	repo, commit := clone(t, testTag)
	out := filepath.Join(t.TempDir(), "dist")
	_, stderr, code := release(t, repo, nil, "--dry-run", "--out", out, testTag)
	if code != 0 {
		t.Fatalf("release.sh --dry-run exited %d:\n%s", code, stderr)
	}
	for _, platform := range allPlatforms {
		goos, goarch, _ := strings.Cut(platform, "/")
		prefix := fmt.Sprintf("+ env CGO_ENABLED=0 GOOS=%s GOARCH=%s go build -buildvcs=false -trimpath -ldflags ", goos, goarch)
		var build string
		for _, line := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(line, prefix) {
				build = line
			}
		}
		if build == "" {
			t.Errorf("no build for %s: want a line starting %q in\n%s", platform, prefix, stderr)
			continue
		}
		for _, want := range []string{"internal/buildinfo.version=" + testTag, "internal/buildinfo.revision=" + commit,
			"internal/buildinfo.date=", "./cmd/attache"} {
			if !strings.Contains(build, want) {
				t.Errorf("%s build %q lacks %q", platform, build, want)
			}
		}
		if archive := fmt.Sprintf("attache_0.0.0-releasetest_%s_%s.tar.gz", goos, goarch); !strings.Contains(stderr, "+ sha256sum") && !strings.Contains(stderr, "+ shasum") || !strings.Contains(stderr, archive) {
			t.Errorf("no checksum of %s in\n%s", archive, stderr)
		}
	}
	if !strings.Contains(stderr, "dry run: nothing was built") {
		t.Errorf("the dry run does not say that it built nothing:\n%s", stderr)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dry run made %s (%v): it must write nothing", out, err)
	}
}

func TestReleaseSaysWhyItSkipsTheImageWhenNoEngineAnswers(t *testing.T) {
	repo, _ := clone(t, testTag)
	_, stderr, code := release(t, repo, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"},
		"--dry-run", "--platforms", "linux/amd64", "--out", t.TempDir(), testTag)
	if code != 0 {
		t.Fatalf("release.sh exited %d:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "+ docker build") {
		t.Errorf("it would build the image with no engine to build it:\n%s", stderr)
	}
	if !strings.Contains(stderr, "container image: skipped, no container engine answers") &&
		!strings.Contains(stderr, "container image: skipped, docker is not installed") {
		t.Errorf("no clear word that the image is skipped and why:\n%s", stderr)
	}
	if !strings.Contains(stderr, "docker build -f deploy/Dockerfile --build-arg VERSION="+testTag) {
		t.Errorf("no command to build the image later:\n%s", stderr)
	}
}

func TestReleaseRefusesWhatIsNotARelease(t *testing.T) {
	untagged, _ := clone(t)
	tagged, _ := clone(t, "release-1", testTag)
	tests := []struct {
		name string
		repo string
		args []string
		want string
	}{
		{"a HEAD without a tag", untagged, nil, "HEAD has no tag"},
		{"a tag that does not exist", tagged, []string{"v9.9.9"}, "no tag v9.9.9"},
		{"a tag that is no module version", tagged, []string{"release-1"}, "tag release-1 is not a Go module version"},
		{"a platform without an architecture", tagged, []string{"--platforms", "linux", testTag}, "platform linux: want GOOS/GOARCH"},
		{"an unknown option", tagged, []string{"--publish", testTag}, "unknown option --publish"},
		{"a tag with a snapshot", tagged, []string{"--snapshot", testTag}, "a snapshot builds the working tree: give no tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--dry-run", "--no-image", "--out", t.TempDir()}, tt.args...)
			_, stderr, code := release(t, tt.repo, nil, args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
