// Package scripts holds the tests of the release material at the root of
// the repository: LICENSE, NOTICE and scripts/release.sh.
package scripts

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// root is the module root, seen from this package's folder.
const root = ".."

// apacheSHA256 is the digest of the Apache License 2.0 as the Apache
// Software Foundation publishes it (LICENSE-2.0.txt).
const apacheSHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"

func TestLicenseIsTheApacheLicenseAsPublished(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != apacheSHA256 {
		t.Errorf("LICENSE has SHA-256 %x, want %s: the Apache License 2.0 exactly as published", sum, apacheSHA256)
	}
}

// requirement is one require line of go.mod.
type requirement struct {
	Path, Version string
	Indirect      bool
}

func goModRequires(t *testing.T) []requirement {
	t.Helper()
	cmd := exec.Command("go", "mod", "edit", "-json")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	var mod struct{ Require []requirement }
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatalf("go mod edit -json: %v", err)
	}
	if len(mod.Require) == 0 {
		t.Fatal("go.mod requires nothing: the test would check nothing")
	}
	return mod.Require
}

// noticeRow is one line of NOTICE's table of modules.
type noticeRow struct{ version, licence string }

// noticeModules reads the table that follows the "module version licence"
// header, up to the first blank line.
func noticeModules(t *testing.T) map[string]noticeRow {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "NOTICE"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]noticeRow{}
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		fields := strings.Fields(sc.Text())
		switch {
		case !in:
			in = strings.Join(fields, " ") == "module version licence"
		case len(fields) == 0:
			return rows
		case len(fields) < 3:
			t.Errorf("NOTICE: module line %q: want module, version and licence", sc.Text())
		default:
			if _, dup := rows[fields[0]]; dup {
				t.Errorf("NOTICE lists %s twice", fields[0])
			}
			rows[fields[0]] = noticeRow{fields[1], strings.Join(fields[2:], " ")}
		}
	}
	if !in {
		t.Fatal(`NOTICE has no table headed "module version licence"`)
	}
	return rows
}

func TestNoticeListsEveryModuleOfGoModAtItsVersion(t *testing.T) {
	rows := noticeModules(t)
	required := map[string]bool{}
	for _, r := range goModRequires(t) {
		required[r.Path] = true
		row, ok := rows[r.Path]
		switch {
		case !ok:
			t.Errorf("go.mod requires %s %s, which NOTICE does not list: add it with its licence", r.Path, r.Version)
		case row.version != r.Version:
			t.Errorf("NOTICE lists %s at %s, go.mod requires %s: update the line (and check its licence)", r.Path, row.version, r.Version)
		}
	}
	for path := range rows {
		if !required[path] {
			t.Errorf("NOTICE lists %s, which go.mod no longer requires: remove it", path)
		}
	}
}

// licenceMarks are phrases that a licence's text has (and, after "!", has
// not), to check NOTICE against the licence files of the modules.
var licenceMarks = map[string][]string{
	"Apache-2.0":   {"Apache License", "Version 2.0"},
	"MIT":          {"Permission is hereby granted, free of charge"},
	"BSD-3-Clause": {"Redistribution and use in source and binary forms", "endorse or promote"},
	"BSD-2-Clause": {"Redistribution and use in source and binary forms", "!endorse or promote"},
}

func TestNoticeLicencesAgreeWithTheModulesLicenceFiles(t *testing.T) {
	cache := goEnv(t, "GOMODCACHE")
	rows := noticeModules(t)
	checked := 0
	for _, r := range goModRequires(t) {
		row, ok := rows[r.Path]
		if !ok {
			continue // the test above reports it
		}
		dir := filepath.Join(cache, escapeModulePath(r.Path)+"@"+r.Version)
		text := licenceText(dir)
		if text == nil {
			t.Logf("%s %s is not in the module cache: its licence is not checked", r.Path, r.Version)
			continue
		}
		checked++
		for _, id := range strings.Split(row.licence, " AND ") {
			marks, known := licenceMarks[id]
			if !known {
				t.Errorf("NOTICE: %s: licence %q is not one this test knows (%s)", r.Path, id, "Apache-2.0, MIT, BSD-3-Clause, BSD-2-Clause")
				continue
			}
			for _, m := range marks {
				if want := !strings.HasPrefix(m, "!"); bytes.Contains(text, []byte(strings.TrimPrefix(m, "!"))) != want {
					t.Errorf("NOTICE says %s is %s, but its licence file does not read so (%q %s)", r.Path, id, strings.TrimPrefix(m, "!"), map[bool]string{true: "missing", false: "present"}[want])
				}
			}
		}
	}
	if checked == 0 {
		t.Skip("no module of go.mod is in the module cache")
	}
}

// licenceText returns the licence files of a module's folder, joined, or
// nil when the folder is not there.
func licenceText(dir string) []byte {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []byte
	for _, e := range entries {
		if n := strings.ToUpper(e.Name()); !e.IsDir() && (strings.HasPrefix(n, "LICENSE") || strings.HasPrefix(n, "COPYING")) {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				out = append(append(out, b...), '\n')
			}
		}
	}
	return out
}

// escapeModulePath writes a module path as the module cache does: each
// upper-case letter as "!" and its lower case.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

var (
	embedDirective = regexp.MustCompile(`(?m)^//go:embed\s+(.+)$`)
	tzdataImport   = regexp.MustCompile(`(?m)^\s*(?:_\s+)?"time/tzdata"`)
)

func TestNoticeNamesEveryEmbeddedFile(t *testing.T) {
	notice, err := os.ReadFile(filepath.Join(root, "NOTICE"))
	if err != nil {
		t.Fatal(err)
	}
	var embedded []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || strings.HasPrefix(n, ".") || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, m := range embedDirective.FindAllSubmatch(src, -1) {
			for _, pattern := range strings.Fields(string(m[1])) {
				embedded = append(embedded, filepath.ToSlash(filepath.Join(rel, strings.Trim(pattern, `"`+"`"))))
			}
		}
		if tzdataImport.Match(src) {
			embedded = append(embedded, "time/tzdata")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(embedded) == 0 {
		t.Fatal("found no embedded file: the walk is broken, or NOTICE's list of embedded data can go")
	}
	for _, e := range embedded {
		if !bytes.Contains(notice, []byte(e)) {
			t.Errorf("%s is embedded in the binary but NOTICE does not name it: add it, with its origin and licence, under Embedded data", e)
		}
	}
}
