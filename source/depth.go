package source

import "bytes"

// maxDepth bounds how deeply a feed's elements may nest. Real feeds nest a
// dozen levels at most; a million nested elements would make the parser
// hold hundreds of megabytes for a few megabytes of input.
const maxDepth = 512

// nestingDepth estimates the deepest element nesting of an XML document,
// stopping as soon as it passes limit. It looks only at the shape of tags:
// "<x" opens, "</" closes, "/>" closes what it opened; comments,
// processing instructions, declarations and CDATA are skipped. Markup inside
// attribute values can fool it by a level or two, which the limit's margin
// absorbs; it never needs to be exact, only cheap and bounded.
func nestingDepth(doc []byte, limit int) int {
	depth, deepest := 0, 0
	for i := 0; i < len(doc); i++ {
		if doc[i] != '<' || i+1 >= len(doc) {
			continue
		}
		switch c := doc[i+1]; {
		case c == '/':
			if depth > 0 {
				depth--
			}
		case c == '!' || c == '?':
			i = skipSpecial(doc, i)
		default:
			depth++
			deepest = max(deepest, depth)
			if deepest > limit {
				return deepest
			}
			if end := tagEnd(doc, i); end > 0 && doc[end-1] == '/' {
				depth--
				i = end
			}
		}
	}
	return deepest
}

// tagEnd is the index of the '>' that ends the tag starting at i, skipping
// quoted attribute values, or -1.
func tagEnd(doc []byte, i int) int {
	var quote byte
	for j := i + 1; j < len(doc); j++ {
		switch c := doc[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		}
	}
	return -1
}

// skipSpecial returns the end of a comment, CDATA section, declaration or
// processing instruction starting at i.
func skipSpecial(doc []byte, i int) int {
	rest := doc[i:]
	end := []byte(">")
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "<!--":
		end = []byte("-->")
	case len(rest) >= 9 && string(rest[:9]) == "<![CDATA[":
		end = []byte("]]>")
	case rest[1] == '?':
		end = []byte("?>")
	}
	if k := bytes.Index(doc[i+2:], end); k >= 0 {
		return i + 2 + k + len(end) - 1
	}
	return len(doc)
}
