package source

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// toUTF8 returns the document as UTF-8, with its XML declaration (if any)
// saying so, so that gofeed's decoder reads it as it is. It never fails:
// what cannot be decoded is dropped or replaced.
//
// Which encoding the bytes are in, in order:
//  1. a byte order mark;
//  2. UTF-8 whenever the bytes are valid UTF-8, whatever is declared: feeds
//     that declare windows-1251 or windows-1252 but were re-encoded by their
//     server are common, and real single-byte text is practically never
//     valid UTF-8 by accident;
//  3. the XML declaration's encoding, when it names one other than UTF-8;
//  4. the HTTP Content-Type charset, when it names one other than UTF-8.
//     The declaration wins over the header when they disagree: CMSes write
//     the document, while the header is often a server-wide default;
//  5. otherwise the document is taken for UTF-8 if it mostly decodes as
//     such (stray bad bytes are dropped), else windows-1252, the usual
//     truth behind "ISO-8859-1" or a missing declaration.
func toUTF8(body []byte, contentType string) []byte {
	if enc, rest := bomEncoding(body); enc != nil {
		return rewriteDeclaration(decodeWith(enc, rest))
	}
	if utf8.Valid(body) {
		return rewriteDeclaration(body)
	}
	declared := ""
	if v, _, _, ok := xmlDeclEncoding(body); ok {
		declared = v
	}
	for _, label := range []string{declared, httpCharset(contentType)} {
		if label == "" {
			continue
		}
		enc, name := charset.Lookup(label)
		if enc == nil || name == "utf-8" {
			continue
		}
		return rewriteDeclaration(decodeWith(enc, body))
	}
	if mostlyUTF8(body) {
		return rewriteDeclaration(bytes.ToValidUTF8(body, nil))
	}
	enc, _ := charset.Lookup("windows-1252")
	return rewriteDeclaration(decodeWith(enc, body))
}

// bomEncoding recognises a byte order mark, or the way "<?" or "<" looks
// in UTF-16 and UTF-32 without one (XML 1.0, appendix F), and returns the
// encoding and the bytes after any mark. ASCII in UTF-16 is valid UTF-8,
// NULs and all, so this must come before the UTF-8 check.
func bomEncoding(b []byte) (encoding.Encoding, []byte) {
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), b[4:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), b[4:]
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), b
	case bytes.HasPrefix(b, []byte{'<', 0x00, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), b
	case bytes.HasPrefix(b, []byte{0x00, '<', 0x00}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b
	case bytes.HasPrefix(b, []byte{'<', 0x00}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), b
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return unicode.UTF8, b[3:]
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b[2:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), b[2:]
	}
	return nil, b
}

func decodeWith(enc encoding.Encoding, b []byte) []byte {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		out = b
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, nil)
	}
	return out
}

// mostlyUTF8 says whether invalid bytes are the exception in b: at least as
// many valid multi-byte sequences as invalid bytes. Single-byte text in
// windows-1252 or ISO-8859-1 has almost no valid multi-byte sequences.
func mostlyUTF8(b []byte) bool {
	valid, invalid := 0, 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case size > 1:
			valid++
		}
		b = b[size:]
	}
	return valid >= invalid
}

func httpCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// xmlDeclEncoding finds the encoding pseudo-attribute of the XML declaration
// at the start of b (after white space) and returns its value and the byte
// range of that value.
func xmlDeclEncoding(b []byte) (value string, start, end int, ok bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	if !bytes.HasPrefix(b[i:], []byte("<?xml")) {
		return "", 0, 0, false
	}
	declEnd := bytes.Index(b[i:], []byte("?>"))
	if declEnd < 0 {
		return "", 0, 0, false
	}
	decl := b[i : i+declEnd]
	at := bytes.Index(decl, []byte("encoding"))
	if at < 0 {
		return "", 0, 0, false
	}
	j := at + len("encoding")
	for j < len(decl) && (decl[j] == ' ' || decl[j] == '\t' || decl[j] == '\r' || decl[j] == '\n') {
		j++
	}
	if j >= len(decl) || decl[j] != '=' {
		return "", 0, 0, false
	}
	j++
	for j < len(decl) && (decl[j] == ' ' || decl[j] == '\t' || decl[j] == '\r' || decl[j] == '\n') {
		j++
	}
	if j >= len(decl) || (decl[j] != '"' && decl[j] != '\'') {
		return "", 0, 0, false
	}
	quote := decl[j]
	k := bytes.IndexByte(decl[j+1:], quote)
	if k < 0 {
		return "", 0, 0, false
	}
	start, end = i+j+1, i+j+1+k
	return string(b[start:end]), start, end, true
}

// rewriteDeclaration makes the XML declaration of a document that is now
// UTF-8 say so; otherwise encoding/xml would decode it a second time from
// the encoding it used to have.
func rewriteDeclaration(b []byte) []byte {
	v, start, end, ok := xmlDeclEncoding(b)
	if !ok || strings.EqualFold(v, "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b)-(end-start)+len("UTF-8"))
	out = append(out, b[:start]...)
	out = append(out, "UTF-8"...)
	return append(out, b[end:]...)
}
