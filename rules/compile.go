package rules

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Rule is one rule to compile: its name, its query, and the scopes (feed
// names or tags) it applies to; no scopes means every document.
type Rule struct {
	Name   string
	Query  string
	Scopes []string
}

// Matcher holds every rule compiled into one index. It is immutable and safe
// for concurrent use.
type Matcher struct {
	rules []compiledRule

	// Words of all rules, each once, and the index from a document word to
	// the rule words it satisfies.
	words     []compiledWord
	byStem    map[stemKey][]int32
	byExact   map[string][]int32
	byPrefix  map[string][]int32
	prefixLen []int // distinct byte lengths of prefixes, ascending
	bySubstr  map[rune][]int32

	seqs    []sequence
	terms   []compiledTerm
	regexes []compiledRegex
	// regexByLit finds regexes by the first bytes of their required literal.
	regexByLit map[[minLiteral]byte][]int32
	litFirst   [256]bool

	// byTrigger lists, for each trigger (a word id, or len(words)+regex id),
	// the rules that can only match when it occurs. always are the rules
	// that must be evaluated for every document.
	byTrigger [][]int32
	always    []int32

	pool sync.Pool // *scratch
}

type compiledRule struct {
	name   string
	root   cnode
	scopes map[string]bool
}

// compiledWord is one word of a term with what the index needs of it.
type compiledWord struct {
	Word
	stems [numStemmers]string // by stemmer, for WordStem outside Cyrillic
	has   [numStemmers]bool
	// forms are the folded forms of a Russian WordStem.
	forms map[string]bool
	// spellings are a WordAcronym's spellings as written.
	spellings []string
}

// sequence is consecutive words: a bare word, a phrase, a list entry.
type sequence struct {
	src   string // as written, for hits
	words []int32
}

type compiledTerm struct {
	seqs       []int32 // words and lists
	firstWords []int32 // the first word of each sequence, for a quick test
	regex      int32   // -1 unless a regex
}

type compiledRegex struct {
	re  *regexp.Regexp
	lit string // required folded literal, "" when none
}

// Compile parses every rule and list and builds one matcher for all of them.
// It reports every problem it finds in a *CompileError.
func Compile(rules []Rule, lists map[string][]string) (*Matcher, error) {
	c := &compiler{
		m: &Matcher{
			byStem: map[stemKey][]int32{}, byExact: map[string][]int32{},
			byPrefix: map[string][]int32{}, bySubstr: map[rune][]int32{},
			regexByLit: map[[minLiteral]byte][]int32{},
		},
		wordIDs: map[Word]int32{}, seqIDs: map[string]int32{}, termIDs: map[string]int32{},
		regexIDs: map[string]int32{}, lists: map[string][]int32{},
	}
	var errs []error
	names := make([]string, 0, len(lists))
	for name := range lists {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for i, entry := range lists[name] {
			words, err := parseListEntry(entry)
			if err != nil {
				errs = append(errs, &ListError{List: name, Entry: i, Value: entry, Err: errAt(0, "%s", err.Error())})
				continue
			}
			c.lists[name] = append(c.lists[name], c.sequence(strings.TrimSpace(entry), words))
		}
		if _, ok := c.lists[name]; !ok {
			c.lists[name] = nil // defined, even if empty or all broken
		}
	}
	for i, r := range rules {
		cr, err := c.rule(r)
		if err != nil {
			errs = append(errs, &RuleError{Rule: i, Name: r.Name, Query: r.Query, Err: err})
			continue
		}
		c.m.rules = append(c.m.rules, cr)
	}
	if len(errs) > 0 {
		return nil, &CompileError{Errs: errs}
	}
	c.buildTriggers()
	m := c.m
	m.pool.New = func() any { return newScratch(m) }
	return m, nil
}

// Len is the number of rules.
func (m *Matcher) Len() int { return len(m.rules) }

// parseListEntry reads a list entry: a word, =word, word*, or several words
// taken as a phrase, quoted or not.
func parseListEntry(entry string) ([]Word, error) {
	s := strings.TrimSpace(entry)
	exact := false
	if rest, ok := strings.CutPrefix(s, "="); ok {
		exact, s = true, rest
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	return analyzeTermText(s, true, exact)
}

type compiler struct {
	m        *Matcher
	wordIDs  map[Word]int32
	seqIDs   map[string]int32
	termIDs  map[string]int32
	regexIDs map[string]int32
	lists    map[string][]int32 // list name → sequences
	ruleTrig [][]int32          // per rule: its triggers, nil with alwaysRule
	alwaysOK []bool
}

func (c *compiler) rule(r Rule) (compiledRule, *SyntaxError) {
	n, err := parse(r.Query)
	if err != nil {
		return compiledRule{}, err
	}
	root, err := c.node(n, defaultFields)
	if err != nil {
		return compiledRule{}, err
	}
	cr := compiledRule{name: r.Name, root: root}
	if len(r.Scopes) > 0 {
		cr.scopes = map[string]bool{}
		for _, s := range r.Scopes {
			cr.scopes[s] = true
		}
	}
	return cr, nil
}

// node compiles a syntax node with the fields its terms look in.
func (c *compiler) node(n Node, fields fieldMask) (cnode, *SyntaxError) {
	switch n := n.(type) {
	case *And, *Or:
		var kids []Node
		op := opAnd
		if o, ok := n.(*Or); ok {
			kids, op = o.Kids, opOr
		} else {
			kids = n.(*And).Kids
		}
		out := cnode{op: op}
		for _, k := range kids {
			ck, err := c.node(k, fields)
			if err != nil {
				return cnode{}, err
			}
			out.kids = append(out.kids, ck)
		}
		return out, nil
	case *Not:
		k, err := c.node(n.Kid, fields)
		if err != nil {
			return cnode{}, err
		}
		return cnode{op: opNot, kids: []cnode{k}}, nil
	case *FieldScope:
		for f, name := range fieldNames {
			if name == n.Field {
				return c.node(n.Kid, 1<<f)
			}
		}
		return cnode{}, errAt(n.Off, "unknown field %q", n.Field)
	case *Near:
		l, err := c.term(n.Left)
		if err != nil {
			return cnode{}, err
		}
		r, err := c.term(n.Right)
		if err != nil {
			return cnode{}, err
		}
		return cnode{op: opNear, term: l, term2: r, near: n.N, fields: fields}, nil
	case *NotNear:
		l, err := c.term(n.Left)
		if err != nil {
			return cnode{}, err
		}
		r, err := c.term(n.Right)
		if err != nil {
			return cnode{}, err
		}
		return cnode{op: opNotNear, term: l, term2: r, near: n.N, fields: fields}, nil
	case *Term:
		t, err := c.term(n)
		if err != nil {
			return cnode{}, err
		}
		return cnode{op: opTerm, term: t, fields: fields}, nil
	}
	panic("rules: unknown node type")
}

// term compiles a leaf once, however many rules use it.
func (c *compiler) term(t *Term) (int32, *SyntaxError) {
	var ct compiledTerm
	var key string
	switch t.Kind {
	case TermList:
		seqs, ok := c.lists[t.List]
		if !ok {
			return 0, errAt(t.Off, "unknown list @%s%s", t.List, c.suggestList(t.List))
		}
		ct, key = compiledTerm{seqs: seqs, regex: -1}, "@"+t.List
	case TermRegex:
		src := t.Regex.String()
		id, ok := c.regexIDs[src]
		if !ok {
			id = int32(len(c.m.regexes))
			c.regexIDs[src] = id
			lit := requiredLiteral(strings.TrimPrefix(src, "(?i)"))
			c.m.regexes = append(c.m.regexes, compiledRegex{re: t.Regex, lit: lit})
			if lit != "" {
				k := [minLiteral]byte([]byte(lit[:minLiteral]))
				c.m.regexByLit[k] = append(c.m.regexByLit[k], id)
				c.m.litFirst[lit[0]] = true
			}
		}
		ct, key = compiledTerm{regex: id}, "/"+src
	default:
		ct = compiledTerm{seqs: []int32{c.sequence(t.Src, t.Words)}, regex: -1}
		key = "w" + t.String()
	}
	if id, ok := c.termIDs[key]; ok {
		return id, nil
	}
	for _, q := range ct.seqs {
		ct.firstWords = append(ct.firstWords, c.m.seqs[q].words[0])
	}
	id := int32(len(c.m.terms))
	c.termIDs[key] = id
	c.m.terms = append(c.m.terms, ct)
	return id, nil
}

// sequence interns a run of words.
func (c *compiler) sequence(src string, words []Word) int32 {
	key := (&Term{Words: words}).String()
	if id, ok := c.seqIDs[key]; ok {
		return id
	}
	s := sequence{src: src}
	for _, w := range words {
		s.words = append(s.words, c.word(w))
	}
	id := int32(len(c.m.seqs))
	c.seqIDs[key] = id
	c.m.seqs = append(c.m.seqs, s)
	return id
}

// word interns a word and enters it in the index.
func (c *compiler) word(w Word) int32 {
	if id, ok := c.wordIDs[w]; ok {
		return id
	}
	m := c.m
	id := int32(len(m.words))
	c.wordIDs[w] = id
	cw := compiledWord{Word: w}
	switch w.Kind {
	case WordStem:
		if scriptOf(w.Text) == scriptCyrillic && cyrillicStemmer == stemNone {
			x := expandRussian(w.Text)
			cw.forms = make(map[string]bool, len(x.forms))
			for _, f := range x.forms {
				cw.forms[f] = true
				m.byExact[f] = append(m.byExact[f], id)
			}
			break
		}
		for _, s := range queryStemmers(w.Text) {
			cw.stems[s], cw.has[s] = stem(s, w.Text), true
			k := stemKey{s, cw.stems[s]}
			m.byStem[k] = append(m.byStem[k], id)
		}
	case WordAcronym:
		cw.spellings = acronymForms(w.Raw)
		seen := map[string]bool{}
		for _, sp := range cw.spellings {
			if f := fold(sp); !seen[f] {
				seen[f] = true
				m.byExact[f] = append(m.byExact[f], id)
			}
		}
	case WordExact:
		m.byExact[w.Text] = append(m.byExact[w.Text], id)
	case WordPrefix:
		if _, ok := m.byPrefix[w.Text]; !ok {
			i := sort.SearchInts(m.prefixLen, len(w.Text))
			if i == len(m.prefixLen) || m.prefixLen[i] != len(w.Text) {
				m.prefixLen = append(m.prefixLen[:i], append([]int{len(w.Text)}, m.prefixLen[i:]...)...)
			}
		}
		m.byPrefix[w.Text] = append(m.byPrefix[w.Text], id)
	case WordSubstring:
		r, _ := utf8.DecodeRuneInString(w.Text)
		m.bySubstr[r] = append(m.bySubstr[r], id)
	}
	m.words = append(m.words, cw)
	return id
}

// queryStemmers are the stemmers a query word outside Cyrillic is indexed
// under: a Latin word under every Latin stemmer, since documents come in
// many languages.
func queryStemmers(w string) []stemmer {
	switch scriptOf(w) {
	case scriptLatin:
		return latinStemmers
	case scriptCyrillic:
		return []stemmer{cyrillicStemmer}
	}
	return []stemmer{stemNone}
}

// suggestList names the closest defined list, for a typo such as @natto.
func (c *compiler) suggestList(name string) string {
	names := make([]string, 0, len(c.lists))
	for l := range c.lists {
		names = append(names, l)
	}
	if best := Closest(name, names); best != "" {
		return " (did you mean @" + best + "?)"
	}
	return ""
}
