package scripts

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"debug/macho"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checksums reads a sha256sum file into archive name → digest.
func checksums(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Errorf("checksums line %q is not what sha256sum -c reads", line)
			continue
		}
		out[name] = sum
	}
	return out
}

// extract unpacks a .tar.gz into dir and returns the names of its regular
// files, checking that every entry stays inside dir and belongs to root.
func extract(t *testing.T, data []byte, dir string) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var files []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || !filepath.IsLocal(h.Name) {
			t.Errorf("entry %q: owner %d:%d, want a local name owned by 0:0", h.Name, h.Uid, h.Gid)
			continue
		}
		target := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			files = append(files, h.Name)
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(target, b, os.FileMode(h.Mode)&0o777); err != nil {
				t.Fatal(err)
			}
		default:
			t.Errorf("entry %q of type %c, want files and folders only", h.Name, h.Typeflag)
		}
	}
	slices.Sort(files)
	return files
}

// checkBinary checks that bin is an executable for goos/goarch that needs
// no dynamic loader.
func checkBinary(t *testing.T, bin, goos, goarch string) {
	t.Helper()
	info, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 == 0 {
		t.Errorf("%s is not executable (mode %v)", bin, info.Mode())
	}
	switch goos {
	case "linux":
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatalf("%s: not ELF: %v", bin, err)
		}
		defer f.Close()
		machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[goarch]
		if f.Machine != machine {
			t.Errorf("%s is for %v, want %s", bin, f.Machine, goarch)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is linked dynamically (%v): want a static binary", bin, p.Type)
			}
		}
	case "darwin":
		f, err := macho.Open(bin)
		if err != nil {
			t.Fatalf("%s: not Mach-O: %v", bin, err)
		}
		defer f.Close()
		cpu := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[goarch]
		if f.Cpu != cpu {
			t.Errorf("%s is for %v, want %s", bin, f.Cpu, goarch)
		}
		// Without cgo, Go on macOS calls the system through libSystem,
		// libresolv (DNS) and the Security and CoreFoundation frameworks
		// (certificates); cgo would link more.
		libs, err := f.ImportedLibraries()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range libs {
			if !strings.HasPrefix(l, "/usr/lib/libSystem") && !strings.HasPrefix(l, "/usr/lib/libresolv") &&
				!strings.HasPrefix(l, "/System/Library/Frameworks/") {
				t.Errorf("%s links %s: want only the libraries Go links without cgo", bin, l)
			}
		}
	}
}
