// Package deploy holds no code: its tests check the deployment files beside
// them (the systemd unit, the Dockerfile, the Kubernetes manifests) against
// each other and against the binary, without network or container engine.
package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attache-dev/attache/config"
)

// The layout every deployment shares.
const (
	configFile = "/etc/attache/rules.yaml"
	stateDir   = "/var/lib/attache"
	stateFile  = "/var/lib/attache/attache.db"
	binary     = "/usr/local/bin/attache"
	// stateSed is how the Dockerfile and docs/deploy.md turn the shipped
	// rules.yaml into a configuration whose state is in stateDir.
	stateSed = `sed 's|^state:.*|state: /var/lib/attache/attache.db|' rules.yaml`

	// defaultShutdown is attache run's default --shutdown-timeout.
	defaultShutdown = 10 * time.Second
)

// stateLine is what stateSed replaces.
var stateLine = regexp.MustCompile(`(?m)^state:.*$`)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// --- what the binary accepts ------------------------------------------------

// cli is what cmd/attache registers: subcommand names and flag names, read
// from its source so that no build is needed.
type cli struct {
	commands, flags map[string]bool
	vars            map[string]bool // package-level variables, for -X
}

// flagMethods are the flag.FlagSet methods whose first string argument is a
// flag's name.
var flagMethods = map[string]bool{
	"String": true, "StringVar": true, "Bool": true, "BoolVar": true, "BoolFunc": true,
	"Int": true, "IntVar": true, "Int64": true, "Int64Var": true, "Uint": true, "UintVar": true,
	"Float64": true, "Float64Var": true, "Duration": true, "DurationVar": true,
	"Var": true, "Func": true, "TextVar": true,
}

func readCLI(t *testing.T) cli {
	t.Helper()
	c := cli{commands: map[string]bool{}, flags: map[string]bool{}, vars: map[string]bool{}}
	files, err := filepath.Glob("../cmd/attache/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no source in ../cmd/attache: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, s := range g.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						c.vars[n.Name] = true
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || !flagMethods[sel.Sel.Name] {
					return true
				}
				for _, a := range n.Args {
					if s, ok := stringLit(a); ok {
						c.flags[s] = true
						break
					}
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); !ok || id.Name != "command" {
					return true
				}
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "name" {
						if s, ok := stringLit(kv.Value); ok {
							c.commands[s] = true
						}
					}
				}
			}
			return true
		})
	}
	if !c.commands["run"] || !c.flags["config"] || !c.flags["c"] {
		t.Fatalf("reading ../cmd/attache found commands %v and flags %v: no run command or -c flag", c.commands, c.flags)
	}
	return c
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// checkArgs checks a command line for attache (without the binary) and
// returns its subcommand and flag values. Every flag used in the deployment
// files takes a value.
func checkArgs(t *testing.T, where string, c cli, args []string) (string, map[string]string) {
	t.Helper()
	var cmd string
	vals := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if cmd != "" {
				t.Errorf("%s: unexpected argument %q after the command %q", where, a, cmd)
			}
			cmd = a
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasVal {
			if i+1 == len(args) {
				t.Errorf("%s: flag %s has no value", where, a)
				continue
			}
			i++
			val = args[i]
		}
		if !c.flags[name] {
			t.Errorf("%s: flag %q is not one that cmd/attache registers (%v)", where, name, slices.Sorted(maps.Keys(c.flags)))
		}
		if name == "c" {
			name = "config"
		}
		vals[name] = val
	}
	if !c.commands[cmd] {
		t.Errorf("%s: command %q is not one of %v", where, cmd, slices.Sorted(maps.Keys(c.commands)))
	}
	return cmd, vals
}

// shutdownTimeout is how long attache run with these flags may take to stop.
func shutdownTimeout(t *testing.T, where string, flags map[string]string) time.Duration {
	t.Helper()
	v, ok := flags["shutdown-timeout"]
	if !ok {
		return defaultShutdown
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: --shutdown-timeout %q: %v", where, v, err)
	}
	return d
}

func listenPort(t *testing.T, where, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%s: --listen %q: %v", where, addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("%s: --listen %q: port: %v", where, addr, err)
	}
	return n
}

// --- configuration ----------------------------------------------------------

// parseConfig loads configuration text as if it were at configFile, with
// env as the environment, and returns it with the variables it asked for.
func parseConfig(t *testing.T, where string, data []byte, env map[string]string) (*config.Config, []string) {
	t.Helper()
	var asked []string
	getenv := func(name string) (string, bool) {
		asked = append(asked, name)
		v, ok := env[name]
		return v, ok
	}
	cfg, err := config.Parse(data, configFile, getenv)
	if err != nil {
		t.Fatalf("%s: the configuration does not load:\n%v", where, err)
	}
	return cfg, asked
}

// deployedRules is the shipped rules.yaml as the Dockerfile and the systemd
// instructions install it: with its state in stateDir.
func deployedRules(t *testing.T) []byte {
	t.Helper()
	shipped := readFile(t, "../rules.yaml")
	if n := len(stateLine.FindAll(shipped, -1)); n != 1 {
		t.Fatalf("../rules.yaml has %d lines that begin with \"state:\"; the Dockerfile's sed needs exactly one", n)
	}
	return stateLine.ReplaceAll(shipped, []byte("state: "+stateFile))
}

func TestTheShippedRulesWithTheStateReplacedLoadWithTheStateInTheStateDirectory(t *testing.T) {
	cfg, _ := parseConfig(t, "rules.yaml with the state replaced", deployedRules(t), nil)
	if cfg.State != stateFile {
		t.Errorf("state is %q, want %q", cfg.State, stateFile)
	}
}
