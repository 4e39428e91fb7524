package rules

import (
	"fmt"
	"regexp"
	"strings"
)

// Node is a node of a parsed query.
type Node interface {
	// Offset is the byte offset in the query where the node starts.
	Offset() int
	String() string
}

// And matches when every one of Kids matches.
type And struct {
	Kids []Node
	Off  int
}

// Or matches when any of Kids matches.
type Or struct {
	Kids []Node
	Off  int
}

// Not matches when Kid does not.
type Not struct {
	Kid Node
	Off int
}

// FieldScope limits the terms below it to one field.
type FieldScope struct {
	Field string
	Kid   Node
	Off   int
}

// Near matches when Left and Right occur within N words of each other, in
// either order, in the same field.
type Near struct {
	Left, Right *Term
	N           int
	Off         int
}

// NotNear matches where Left occurs with no Right within N words of it in
// the same field: a local exclusion ("nuclear NOT NEAR/2 plant" keeps an
// item that also says "nuclear weapons").
type NotNear struct {
	Left, Right *Term
	N           int
	Off         int
}

// TermKind says what a Term looks for.
type TermKind uint8

// Term kinds.
const (
	TermWords TermKind = iota // a bare word, =word, word*, or a "phrase": a sequence of Words
	TermRegex                 // /regex/
	TermList                  // @list
)

// WordKind says how one word of a term is compared with a document's words.
type WordKind uint8

// Word kinds.
const (
	WordStem      WordKind = iota // bare word: its inflected forms (Russian paradigm, or the same stem)
	WordExact                     // =word: the same folded form
	WordPrefix                    // word*: a folded word that begins with it
	WordSubstring                 // unspaced scripts: anywhere in a word
	WordAcronym                   // a word written in capitals: as written
)

// Word is one folded word of a term.
type Word struct {
	Kind WordKind
	Text string
	// Raw is a WordAcronym as written (in NFKC form), since its case counts.
	Raw string
}

// Term is a leaf of the query.
type Term struct {
	Kind  TermKind
	Src   string // as written in the query
	Words []Word // TermWords: consecutive words
	Regex *regexp.Regexp
	List  string // TermList: the list's name
	Off   int
	End   int
}

// Offset implementations.
func (n *And) Offset() int        { return n.Off }
func (n *Or) Offset() int         { return n.Off }
func (n *Not) Offset() int        { return n.Off }
func (n *FieldScope) Offset() int { return n.Off }
func (n *Near) Offset() int       { return n.Off }
func (n *NotNear) Offset() int    { return n.Off }
func (n *Term) Offset() int       { return n.Off }

func (n *And) String() string { return "(" + joinNodes(n.Kids, " AND ") + ")" }
func (n *Or) String() string  { return "(" + joinNodes(n.Kids, " OR ") + ")" }
func (n *Not) String() string { return "NOT " + n.Kid.String() }
func (n *FieldScope) String() string {
	return n.Field + ":" + n.Kid.String()
}
func (n *Near) String() string {
	return fmt.Sprintf("%s NEAR/%d %s", n.Left, n.N, n.Right)
}
func (n *NotNear) String() string {
	return fmt.Sprintf("%s NOT NEAR/%d %s", n.Left, n.N, n.Right)
}
func (n *Term) String() string {
	switch n.Kind {
	case TermRegex:
		return "/" + strings.TrimPrefix(n.Regex.String(), "(?i)") + "/"
	case TermList:
		return "@" + n.List
	}
	parts := make([]string, len(n.Words))
	for i, w := range n.Words {
		switch w.Kind {
		case WordExact:
			parts[i] = "=" + w.Text
		case WordPrefix:
			parts[i] = w.Text + "*"
		case WordSubstring:
			parts[i] = "~" + w.Text
		case WordAcronym:
			parts[i] = w.Raw
		default:
			parts[i] = w.Text
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return `"` + strings.Join(parts, " ") + `"`
}

func joinNodes(ns []Node, sep string) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, sep)
}
