package rules

// cop is the operation of a compiled node.
type cop uint8

const (
	opTerm cop = iota
	opNear
	opNotNear
	opAnd
	opOr
	opNot
)

// cnode is a compiled query node; field scopes are pushed down to the leaves.
type cnode struct {
	op     cop
	kids   []cnode
	term   int32
	term2  int32 // NEAR's (or NOT NEAR's) right-hand term
	near   int
	fields fieldMask
}

// buildTriggers indexes each rule under the fewest words (or regex literals)
// of which at least one must occur for the rule to match. A document then
// wakes only the rules whose triggers it contains, so the cost of a document
// grows with the rules it concerns, not with the number of rules.
func (c *compiler) buildTriggers() {
	m := c.m
	m.byTrigger = make([][]int32, len(m.words)+len(m.regexes))
	for i := range m.rules {
		set, ok := c.triggers(&m.rules[i].root)
		if !ok {
			m.always = append(m.always, int32(i))
			continue
		}
		seen := map[int32]bool{}
		for _, t := range set {
			if !seen[t] {
				seen[t] = true
				m.byTrigger[t] = append(m.byTrigger[t], int32(i))
			}
		}
	}
}

// triggers returns a set of triggers such that n can only be true when one of
// them occurs; ok is false when n can be true with none (NOT, or a regex
// without a literal to look for).
func (c *compiler) triggers(n *cnode) (set []int32, ok bool) {
	switch n.op {
	case opTerm, opNotNear:
		return c.termTriggers(n.term)
	case opNear:
		l, lok := c.termTriggers(n.term)
		r, rok := c.termTriggers(n.term2)
		return smaller(l, lok, r, rok)
	case opAnd:
		var best []int32
		bestOK := false
		for i := range n.kids {
			s, sok := c.triggers(&n.kids[i])
			best, bestOK = smaller(best, bestOK, s, sok)
		}
		return best, bestOK
	case opOr:
		for i := range n.kids {
			s, sok := c.triggers(&n.kids[i])
			if !sok {
				return nil, false
			}
			set = append(set, s...)
		}
		return set, true
	}
	return nil, false // NOT
}

func (c *compiler) termTriggers(id int32) ([]int32, bool) {
	t := c.m.terms[id]
	if t.regex >= 0 {
		if c.m.regexes[t.regex].lit == "" {
			return nil, false
		}
		return []int32{int32(len(c.m.words)) + t.regex}, true
	}
	set := make([]int32, 0, len(t.seqs))
	for _, s := range t.seqs {
		// Any word of a phrase must occur; the longest is likely the rarest.
		words := c.m.seqs[s].words
		best := words[0]
		for _, w := range words[1:] {
			if len(c.m.words[w].Text) > len(c.m.words[best].Text) {
				best = w
			}
		}
		set = append(set, best)
	}
	return set, true
}

// smaller picks the usable set with fewer triggers.
func smaller(a []int32, aok bool, b []int32, bok bool) ([]int32, bool) {
	switch {
	case !aok:
		return b, bok
	case !bok:
		return a, aok
	case len(b) < len(a):
		return b, true
	}
	return a, true
}
