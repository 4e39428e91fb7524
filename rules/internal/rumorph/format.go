package rumorph

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Paradigm is the shape of a lemma's forms: the lemma is stem+Lemma, and its
// forms are stem+e for every e of Endings. Write takes them folded, in
// UTF-8; a Dict holds them encoded.
type Paradigm struct {
	Lemma   string
	Endings []string
}

// Entry is one lemma (folded) and the index of its paradigm.
type Entry struct {
	Word     string
	Paradigm int
}

// Write encodes a dictionary: the paradigms, then the entries sorted by
// their reversed word and front-coded (neighbours share endings), gzipped.
func Write(w io.Writer, paradigms []Paradigm, entries []Entry) error {
	enc := func(s string) (string, error) {
		c, ok := encode(s)
		if !ok {
			return "", fmt.Errorf("rumorph: %q is not a folded Russian word", s)
		}
		return c, nil
	}
	coded := make([]Paradigm, len(paradigms))
	for i, p := range paradigms {
		l, err := enc(p.Lemma)
		if err != nil {
			return err
		}
		coded[i].Lemma = l
		for _, e := range p.Endings {
			c, err := enc(e)
			if err != nil {
				return err
			}
			coded[i].Endings = append(coded[i].Endings, c)
		}
	}
	paradigms = coded
	sorted := make([]Entry, len(entries))
	for i, e := range entries {
		c, err := enc(e.Word)
		if err != nil {
			return err
		}
		sorted[i] = Entry{reverse(c), e.Paradigm}
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Word != sorted[j].Word {
			return sorted[i].Word < sorted[j].Word
		}
		return sorted[i].Paradigm < sorted[j].Paradigm
	})
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	var buf [binary.MaxVarintLen64]byte
	uv := func(n int) { bw.Write(buf[:binary.PutUvarint(buf[:], uint64(n))]) }
	str := func(s string) { uv(len(s)); bw.WriteString(s) }
	bw.WriteString(magic)
	uv(len(paradigms))
	for _, p := range paradigms {
		str(p.Lemma)
		uv(len(p.Endings))
		for _, e := range p.Endings {
			str(e)
		}
	}
	uv(len(sorted))
	prev := ""
	for _, e := range sorted {
		n := 0
		for n < len(prev) && n < len(e.Word) && prev[n] == e.Word[n] {
			n++
		}
		uv(n)
		str(e.Word[n:])
		uv(e.Paradigm)
		prev = e.Word
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// errFormat is a dictionary that does not decode.
var errFormat = errors.New("rumorph: malformed dictionary")

// read decodes what Write wrote into a Dict.
func read(r io.Reader) (*Dict, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("rumorph: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("rumorph: %w", err)
	}
	if len(raw) < len(magic) || string(raw[:len(magic)]) != magic {
		return nil, errFormat
	}
	d := &decoder{b: raw[len(magic):]}
	dict := &Dict{}
	np := d.uv()
	if np > len(d.b) {
		return nil, errFormat
	}
	dict.paradigms = make([]Paradigm, np)
	for i := range dict.paradigms {
		p := &dict.paradigms[i]
		p.Lemma = d.str()
		ne := d.uv()
		if ne > len(d.b) {
			return nil, errFormat
		}
		p.Endings = make([]string, ne)
		for j := range p.Endings {
			p.Endings[j] = d.str()
		}
	}
	ne := d.uv()
	if ne > len(d.b) {
		return nil, errFormat
	}
	dict.offsets = make([]uint32, ne+1)
	dict.paradigm = make([]uint32, ne)
	blob := make([]byte, 0, 8*ne)
	var prev []byte
	for i := range ne {
		n := d.uv()
		rest := d.bytes()
		p := d.uv()
		if d.err || n > len(prev) || p >= np {
			return nil, errFormat
		}
		dict.offsets[i] = uint32(len(blob))
		blob = append(blob, prev[:n]...)
		blob = append(blob, rest...)
		prev = blob[dict.offsets[i]:]
		dict.paradigm[i] = uint32(p)
	}
	if d.err {
		return nil, errFormat
	}
	dict.offsets[ne] = uint32(len(blob))
	dict.blob = string(blob)
	dict.index()
	return dict, nil
}

type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) uv() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<31 {
		d.err = true
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

// bytes is str without a copy, for what is copied anyway.
func (d *decoder) bytes() []byte {
	n := d.uv()
	if n > len(d.b) {
		d.err = true
		d.b = nil
		return nil
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) str() string {
	n := d.uv()
	if n > len(d.b) {
		d.err = true
		d.b = nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
