package source

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// htmlToUTF8 returns an HTML page as UTF-8, and the name of the encoding
// it was read in. It never fails: what cannot be decoded is dropped or
// replaced.
//
// Which encoding the bytes are in, in order:
//  1. a byte order mark;
//  2. UTF-8 whenever the bytes are valid UTF-8, whatever is declared: the
//     Belarus ministry's list page declares windows-1251 in both of its
//     <meta> tags and is UTF-8, and real Cyrillic or Latin single-byte text
//     is practically never valid UTF-8 by accident;
//  3. the HTTP Content-Type charset, when it names one other than UTF-8:
//     for HTML, unlike XML, the header outranks the page (HTML5 §13.2.3);
//  4. the page's own <meta charset> or <meta http-equiv="Content-Type">,
//     when it names one other than UTF-8;
//  5. otherwise UTF-8 if the page mostly decodes as such (stray bad bytes
//     are dropped), else windows-1252, as browsers guess.
//
// A declared UTF-8 that the bytes contradict is passed over in 3 and 4: the
// declaration is evidently wrong, and the next one may be right.
func htmlToUTF8(body []byte, contentType string) ([]byte, string) {
	if enc, rest := bomEncoding(body); enc != nil {
		return decodeWith(enc, rest), "bom"
	}
	if utf8.Valid(body) {
		return body, "utf-8"
	}
	if label := httpCharset(contentType); label != "" {
		if enc, name := charset.Lookup(label); enc != nil && name != "utf-8" {
			return decodeWith(enc, body), name
		}
	}
	if label := metaCharset(body); label != "" {
		if enc, name := charset.Lookup(label); enc != nil && name != "utf-8" {
			return decodeWith(enc, body), name
		}
	}
	if mostlyUTF8(body) {
		return bytes.ToValidUTF8(body, nil), "utf-8"
	}
	enc, _ := charset.Lookup("windows-1252")
	return decodeWith(enc, body), "windows-1252"
}

// metaScan bounds how much of a page is searched for a <meta> charset.
// Browsers look at the first 1024 bytes only; CMSes that put kilobytes of
// inline script first are common enough to look further, and a
// declaration in the body is never honoured.
const metaScan = 32 << 10

// metaCharset returns the charset that the page's head declares in
// <meta charset> or <meta http-equiv="Content-Type" content="...">, or "".
func metaCharset(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(firstBytes(body, metaScan)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Body:
				return ""
			case atom.Meta:
				if label := metaTagCharset(z, hasAttr); label != "" {
					return label
				}
			}
		}
	}
}

// metaTagCharset reads the charset of one <meta> tag's attributes.
func metaTagCharset(z *html.Tokenizer, more bool) string {
	var httpEquiv bool
	var content string
	for more {
		var key, val []byte
		key, val, more = z.TagAttr()
		switch string(key) {
		case "charset":
			return strings.TrimSpace(string(val))
		case "http-equiv":
			httpEquiv = strings.EqualFold(strings.TrimSpace(string(val)), "content-type")
		case "content":
			content = string(val)
		}
	}
	if !httpEquiv || content == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(content); err == nil {
		return strings.TrimSpace(params["charset"])
	}
	return ""
}
