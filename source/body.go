package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// readLimited reads all of r, but never more than max+1 bytes: a body that
// goes on past max fails with ErrTooLarge and is not read further, so a gzip
// bomb costs at most max bytes of memory. sizeHint, when positive and not
// above max, sizes the buffer up front.
func readLimited(r io.Reader, max, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint <= max {
		buf.Grow(int(sizeHint) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if n > max {
		return nil, tooLarge(max)
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func tooLarge(max int64) error {
	return fmt.Errorf("%w: more than max_body %s (counted after decompression)", ErrTooLarge, formatSize(max))
}

// formatSize writes a byte count the way the configuration spells sizes.
func formatSize(n int64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%dGiB", n/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%dMiB", n/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%dKiB", n/kib)
	}
	return fmt.Sprintf("%d bytes", n)
}

// localPath tells whether source names a local file, and which: a file://
// URL (host empty or localhost) or a plain path. ok is false for http(s)
// URLs; err is set for a URL of another scheme or a file URL on another host.
func localPath(source string) (path string, ok bool, err error) {
	u, perr := url.Parse(source)
	if perr != nil {
		if strings.Contains(source, "://") {
			var ue *url.Error
			if errors.As(perr, &ue) { // it repeats the URL, password and all
				perr = ue.Err
			}
			return "", false, fmt.Errorf("source is not a valid URL: %w", perr)
		}
		return source, true, nil
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return "", false, nil
	case "":
		return source, true, nil
	case "file":
		if u.Host != "" && !strings.EqualFold(u.Host, "localhost") {
			return "", false, fmt.Errorf("source %q: file URL on host %q: only local files can be read", source, u.Host)
		}
		if u.Opaque != "" { // file:relative/path
			p, err := url.PathUnescape(u.Opaque)
			if err != nil {
				return "", false, fmt.Errorf("source %q: %w", source, err)
			}
			return filepath.FromSlash(p), true, nil
		}
		return filepath.FromSlash(u.Path), true, nil
	}
	if len(u.Scheme) == 1 { // a Windows drive letter, C:\feeds\x.xml
		return source, true, nil
	}
	return "", false, fmt.Errorf("source %q: unsupported scheme %q: use http, https, file or a path", source, u.Scheme)
}

// readFile reads a local source under the same size limit as HTTP bodies.
// There is no conditional GET for files: they are cheap to read again.
func readFile(ctx context.Context, path string, max int64) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", path)
	}
	if info.Size() > max {
		return nil, fmt.Errorf("read %s: %w", path, tooLarge(max))
	}
	body, err := readLimited(f, max, info.Size())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	final := path
	if abs, err := filepath.Abs(path); err == nil {
		p := filepath.ToSlash(abs)
		if !strings.HasPrefix(p, "/") { // C:/feeds/x.xml
			p = "/" + p
		}
		final = (&url.URL{Scheme: "file", Path: p}).String()
	}
	return &Response{URL: final, StatusCode: 200, Body: body}, nil
}
