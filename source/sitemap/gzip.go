package sitemap

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// gzipMagic starts every gzip stream: a .xml.gz sitemap is often served
// as application/octet-stream, without Content-Encoding, so the HTTP
// client leaves it compressed.
var gzipMagic = []byte{0x1f, 0x8b}

// decompressed returns a reader of the body, decompressing a gzip body
// and failing with ErrTooLarge past max bytes.
func decompressed(body []byte, max int64) (io.Reader, error) {
	if !bytes.HasPrefix(body, gzipMagic) {
		return bytes.NewReader(body), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %w", ErrParse, err)
	}
	return &limited{r: zr, left: max, max: max}, nil
}

// limited reads at most max bytes, then fails with ErrTooLarge rather
// than stopping quietly: a truncated sitemap would look complete.
type limited struct {
	r         io.Reader
	left, max int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a body of exactly max bytes from a larger one.
		var one [1]byte
		if n, _ := io.ReadFull(l.r, one[:]); n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes once decompressed", ErrTooLarge, l.max)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: gzip: %w", ErrParse, err)
	}
	return n, err
}
