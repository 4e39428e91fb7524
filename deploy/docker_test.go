package deploy

import (
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
}

func dockerfile(t *testing.T) []instruction {
	t.Helper()
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(readFile(t, "Dockerfile")), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

func goVersion(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(readFile(t, "../go.mod"))
	if m == nil {
		t.Fatal("../go.mod has no go directive")
	}
	return string(m[1])
}

func TestTheDockerfileBuildsAStaticNonRootImageThatRunsWhatTheBinaryAccepts(t *testing.T) {
	ins := dockerfile(t)
	var froms []string
	final := map[string][]string{} // instructions of the last stage
	var build []string             // RUN lines of the build stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			froms = append(froms, in.args)
			final = map[string][]string{}
			continue
		}
		final[in.cmd] = append(final[in.cmd], in.args)
		if len(froms) == 1 && (in.cmd == "RUN" || in.cmd == "ENV") {
			build = append(build, in.args)
		}
	}
	if len(froms) != 2 {
		t.Fatalf("FROM lines %q: want a build stage and a final stage", froms)
	}
	if want := "GO_VERSION=" + goVersion(t); ins[0].cmd != "ARG" || ins[0].args != want {
		t.Errorf("first instruction %s %s, want ARG %s (the go directive of go.mod)", ins[0].cmd, ins[0].args, want)
	}
	if froms[0] != "golang:${GO_VERSION} AS build" {
		t.Errorf("build stage FROM %q, want the official golang image at GO_VERSION", froms[0])
	}
	if froms[1] != "gcr.io/distroless/static-debian12:nonroot" && froms[1] != "scratch" {
		t.Errorf("final stage FROM %q: want distroless static nonroot or scratch", froms[1])
	}

	steps := strings.Join(build, "\n")
	for _, want := range []string{"CGO_ENABLED=0", "GOTOOLCHAIN=local", "go build -trimpath", `-ldflags "-s -w -X github.com/attache-dev/attache/internal/buildinfo.version=${VERSION} -X github.com/attache-dev/attache/internal/buildinfo.revision=${REVISION} -X github.com/attache-dev/attache/internal/buildinfo.date=${DATE}"`,
		"./cmd/attache", stateSed, "attache check -c /out/rules.yaml"} {
		if !strings.Contains(steps, want) {
			t.Errorf("the build stage lacks %q", want)
		}
	}
	// The linker ignores -X for a variable that does not exist or whose
	// value is computed: the stamp would be lost without a word.
	if src, err := os.ReadFile("../internal/buildinfo/buildinfo.go"); err != nil {
		t.Error(err)
	} else if !regexp.MustCompile(`(?m)^var version, revision, date string$`).Match(src) {
		t.Error("-X .../internal/buildinfo.version, revision, date: internal/buildinfo lacks those uninitialised variables")
	}
	c := readCLI(t)

	one := func(cmd string) string {
		if len(final[cmd]) != 1 {
			t.Errorf("final stage: %d %s instructions, want 1", len(final[cmd]), cmd)
			return ""
		}
		return final[cmd][0]
	}
	if u := one("USER"); u != "65532:65532" {
		t.Errorf("USER %q, want 65532:65532 (non-root, numeric so that runAsNonRoot can check it)", u)
	}
	if v := one("VOLUME"); v != `["`+stateDir+`"]` {
		t.Errorf("VOLUME %s, want [%q]", v, stateDir)
	}
	if e := one("ENV"); e != "ATTACHE_CONFIG="+configFile {
		t.Errorf("ENV %s, want ATTACHE_CONFIG=%s", e, configFile)
	}
	if w := one("WORKDIR"); w != stateDir {
		t.Errorf("WORKDIR %s, want %s", w, stateDir)
	}
	if e := one("ENTRYPOINT"); e != `["/attache"]` {
		t.Errorf(`ENTRYPOINT %s, want ["/attache"]`, e)
	}
	if !slices.Contains(final["COPY"], "--from=build /out/attache /attache") ||
		!slices.Contains(final["COPY"], "--from=build /out/rules.yaml "+configFile) ||
		!slices.Contains(final["COPY"], "--from=build --chown=65532:65532 /out/var/lib/ /var/lib/") {
		t.Errorf("final stage COPY %q: want the binary, the configuration and the state directory owned by 65532", final["COPY"])
	}
	var cmdArgs []string
	if err := yaml.Unmarshal([]byte(one("CMD")), &cmdArgs); err != nil {
		t.Fatalf("CMD is not a JSON array: %v", err)
	}
	cmd, flags := checkArgs(t, "CMD", c, cmdArgs)
	if cmd != "run" || flags["config"] != configFile {
		t.Errorf("CMD %q: want run -c %s", cmdArgs, configFile)
	}
	if p, exposed := listenPort(t, "CMD", flags["listen"]), one("EXPOSE"); strconv.Itoa(p) != exposed {
		t.Errorf("CMD listens on %d, EXPOSE %s", p, exposed)
	}
}

func TestTheDockerIgnoreFileKeepsWhatTheBuildCopies(t *testing.T) {
	var patterns []string
	for _, line := range strings.Split(string(readFile(t, "../.dockerignore")), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, strings.TrimPrefix(line, "/"))
		}
	}
	// ignored follows Docker's rules closely enough for these names: a
	// pattern matches the path or one of its ancestors from the root, and
	// **/ lets it start at any depth.
	ignored := func(name string) bool {
		parts := strings.Split(name, "/")
		for _, p := range patterns {
			anyDepth := strings.HasPrefix(p, "**/")
			p = strings.TrimPrefix(p, "**/")
			for end := 1; end <= len(parts); end++ {
				for start := 0; start < end && (start == 0 || anyDepth); start++ {
					if ok, _ := path.Match(p, strings.Join(parts[start:end], "/")); ok {
						return true
					}
				}
			}
		}
		return false
	}
	for _, name := range []string{"go.mod", "go.sum", "rules.yaml", "cmd/attache/main.go", "config/config.go", "web/templates/status.html"} {
		if ignored(name) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", name)
		}
	}
	for _, name := range []string{".git", "attache.db", "attache.db-wal", "rules/testdata"} {
		if !ignored(name) {
			t.Errorf(".dockerignore sends %s to the build", name)
		}
	}
}

// TestTheImageCarriesTheLicenceAndNotices: the image ships the licence and
// the notices of what the binary embeds, as the release archives do.
func TestTheImageCarriesTheLicenceAndNotices(t *testing.T) {
	ins := dockerfile(t)
	final := false
	for _, in := range ins {
		if in.cmd == "FROM" {
			final = strings.Contains(in.args, "distroless") || in.args == "scratch"
			continue
		}
		if final && in.cmd == "COPY" && strings.Contains(in.args, "LICENSE") && strings.Contains(in.args, "NOTICE") {
			return
		}
	}
	t.Error("the final stage copies no LICENSE and NOTICE")
}
