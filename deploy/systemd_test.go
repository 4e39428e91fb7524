package deploy

import (
	"maps"
	"net"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// unit reads a unit file: section → key → values in order.
func unit(t *testing.T, name string) map[string]map[string][]string {
	t.Helper()
	u := map[string]map[string][]string{}
	var section string
	for i, line := range strings.Split(string(readFile(t, name)), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", name, i+1, line)
			}
			u[section][k] = append(u[section][k], v)
		}
	}
	return u
}

func TestTheSystemdUnitIsHardenedAndRunsWhatTheBinaryAccepts(t *testing.T) {
	u := unit(t, "systemd/attache.service")
	svc := u["Service"]
	if svc == nil || u["Install"] == nil {
		t.Fatalf("sections %v: want Service and Install", slices.Sorted(maps.Keys(u)))
	}
	want := map[string]string{
		"DynamicUser":             "yes",
		"StateDirectory":          "attache",
		"ConfigurationDirectory":  "attache",
		"EnvironmentFile":         "-/etc/attache/attache.env",
		"ExecReload":              "/bin/kill -HUP $MAINPID",
		"Restart":                 "on-failure",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"ProtectControlGroups":    "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"RestrictNamespaces":      "yes",
		"LockPersonality":         "yes",
		"MemoryDenyWriteExecute":  "yes",
		"UMask":                   "0077",
		"SystemCallArchitectures": "native",
	}
	for k, v := range want {
		if got := svc[k]; !slices.Equal(got, []string{v}) {
			t.Errorf("%s=%q, want %q", k, got, v)
		}
	}
	if got := svc["SystemCallFilter"]; len(got) == 0 || got[0] != "@system-service" {
		t.Errorf("SystemCallFilter=%q, want @system-service first", got)
	}

	exec := strings.Fields(strings.Join(svc["ExecStart"], ""))
	if len(exec) == 0 || exec[0] != binary {
		t.Fatalf("ExecStart=%q: want %s first", exec, binary)
	}
	cmd, flags := checkArgs(t, "ExecStart", readCLI(t), exec[1:])
	if cmd != "run" {
		t.Errorf("ExecStart runs %q, want run", cmd)
	}
	limit := shutdownTimeout(t, "ExecStart", flags)
	if stop, err := time.ParseDuration(strings.Join(svc["TimeoutStopSec"], "")); err != nil || stop <= limit {
		t.Errorf("TimeoutStopSec=%q: want a duration above the shutdown timeout %v (%v)", svc["TimeoutStopSec"], limit, err)
	}
	if flags["config"] != configFile {
		t.Errorf("ExecStart -c %q, want %s (in ConfigurationDirectory)", flags["config"], configFile)
	}
	if host, _, _ := net.SplitHostPort(flags["listen"]); host != "127.0.0.1" {
		t.Errorf("ExecStart --listen %q: want the status port on 127.0.0.1 only", flags["listen"])
	}
	if sd := "/var/lib/" + strings.Join(svc["StateDirectory"], ""); sd != stateDir || path.Dir(stateFile) != sd {
		t.Errorf("StateDirectory gives %s; the configuration's state is %s", sd, stateFile)
	}

	env := string(readFile(t, "systemd/attache.env.example"))
	if !regexp.MustCompile(`(?m)^SLACK_BOT_TOKEN=xoxb-replace-me$`).MatchString(env) {
		t.Errorf("attache.env.example sets no placeholder SLACK_BOT_TOKEN:\n%s", env)
	}
}
