package rules

import (
	"strings"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/text"
)

// Document is what rules are matched against: the text fields of one item,
// its language, and the scopes (feed name and tags) that rules may be
// restricted to.
type Document struct {
	Title      string
	Summary    string
	Content    string
	Categories []string
	Author     string
	Link       string
	// Lang picks the stemmer for Latin-script words ("en" when empty).
	Lang string
	// Scopes are the names a rule's feeds list is compared with: the feed's
	// name and its tags.
	Scopes []string
}

// DocumentOf builds the Document for an item of a feed with the given tags.
func DocumentOf(it attache.Item, tags ...string) Document {
	return Document{
		Title: it.Title, Summary: it.Summary, Content: it.Content,
		Categories: it.Categories, Author: it.Author, Link: it.Link,
		Lang: it.Lang, Scopes: append([]string{it.Feed}, tags...),
	}
}

// field numbers the searchable fields.
type field uint8

const (
	fTitle field = iota
	fSummary
	fContent
	fCategories
	fAuthor
	fLink
	numFields
)

var fieldNames = [numFields]string{
	attache.FieldTitle, attache.FieldSummary, attache.FieldContent,
	attache.FieldCategories, attache.FieldAuthor, attache.FieldLink,
}

// fieldMask is a set of fields.
type fieldMask uint8

const (
	allFields fieldMask = 1<<numFields - 1
	// defaultFields are where a term without FIELD: looks.
	defaultFields fieldMask = 1<<fTitle | 1<<fSummary | 1<<fContent | 1<<fCategories
)

func (m fieldMask) has(f field) bool { return m&(1<<f) != 0 }

// categoryGap separates the positions of two categories so that no phrase or
// NEAR reaches from one category into the next.
const categoryGap = 1 << 16

// categorySeparator joins categories into the field's plain text.
const categorySeparator = "; "

// token is one word of a field.
type token struct {
	start, end int    // byte offsets into the field's plain text
	pos        int    // word position, for phrases and NEAR
	word       string // folded
	stem       stemKey
	unspaced   bool
}

// fieldText is one field, analysed.
type fieldText struct {
	text   string
	tokens []token
}

// Analyzed is a document reduced to plain text and words, ready for matching.
// Analysing once and matching many times is what makes rules cheap.
type Analyzed struct {
	fields [numFields]fieldText
	scopes []string
}

// Analyze reduces a document to text and words. It never fails: invalid
// UTF-8, control characters and broken markup are dropped.
func Analyze(d Document) *Analyzed {
	a := &Analyzed{scopes: d.Scopes}
	latin := latinStemmerFor(d.Lang)
	raw := [numFields]string{fTitle: d.Title, fSummary: d.Summary, fContent: d.Content, fAuthor: d.Author, fLink: d.Link}
	for f := range numFields {
		if f == fCategories {
			a.fields[f] = analyzeCategories(d.Categories, latin)
			continue
		}
		text := text.Plain(raw[f])
		a.fields[f] = fieldText{text: text, tokens: tokenize(text, 0, 0, latin, nil)}
	}
	return a
}

// Text returns the plain text of a field by name, as hits' offsets see it.
func (a *Analyzed) Text(name string) string {
	for f, n := range fieldNames {
		if n == name {
			return a.fields[f].text
		}
	}
	return ""
}

func analyzeCategories(cats []string, latin stemmer) fieldText {
	var b strings.Builder
	var toks []token
	pos := 0
	for _, c := range cats {
		c = text.Plain(c)
		if c == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(categorySeparator)
			pos += categoryGap
		}
		toks = tokenize(c, b.Len(), pos, latin, toks)
		if n := len(toks); n > 0 {
			pos = toks[n-1].pos + 1
		}
		b.WriteString(c)
	}
	return fieldText{text: b.String(), tokens: toks}
}

// tokenize appends the words of plain text to toks, with offsets shifted by
// base and positions starting at pos.
func tokenize(text string, base, pos int, latin stemmer, toks []token) []token {
	splitWords(text, func(s, e int, unspaced bool) {
		for _, w := range foldedWords(text[s:e]) {
			t := token{start: base + s, end: base + e, pos: pos, word: w, unspaced: unspaced}
			if !unspaced {
				st := docStemmer(w, latin)
				t.stem = stemKey{st, stem(st, w)}
			}
			toks = append(toks, t)
			pos++
		}
	})
	return toks
}
