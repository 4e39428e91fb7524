package story

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Entity is a named thing an item mentions, reduced to a key that its
// spellings in other scripts share.
type Entity struct {
	// Key is a gazetteer id (nato, poland, lin-jian) or a NameKey.
	Key string `json:"key"`
	// Text is the first spelling met, for explanations.
	Text string `json:"text"`
	// Class weighs the entity: 0 common, 1 country or region, 2 named.
	Class Class `json:"class"`
	// Title is true when the title mentions it.
	Title bool `json:"title,omitempty"`
	// Lead is true when the lead (the body's first sentence of eight
	// words or more) mentions it: with the title, where agencies name who
	// speaks and what happened.
	Lead bool `json:"lead,omitempty"`
	// Speaker is true when the title or lead names it as who speaks (a
	// person next to "said", "заявил", before a title's colon).
	Speaker bool `json:"speaker,omitempty"`
	// Group numbers runs of adjacent names within the item (Maria
	// Zakharova is one group), so that a two-word name counts about once.
	Group int `json:"group"`
}

// entities finds the named entities of an item's words: gazetteer names in
// any case and script, and capitalised words that are neither generic nor
// merely the first word of a sentence. A capitalised first word counts when
// the item also writes it capitalised elsewhere; in a title written in
// title case, a capitalised word counts only when the body has it too.
func entities(title, body []word) []Entity {
	g := gaz()
	titleCase := isTitleCase(title)
	confirmed := map[string]bool{} // keys seen capitalised where capitals mean a name
	for _, ws := range [][]word{title, body} {
		for i := range ws {
			w := &ws[i]
			if w.capital && !w.initial && !(w.inTitle && titleCase) {
				confirmed[NameKey(w.raw)] = true
			}
		}
	}
	leadStart, leadEnd := lead(body)
	titleText, bodyText := joinedText(title), joinedText(body)
	speakers := [2][][2]int{
		speakerSpans(titleText, title, true, 0, len(titleText)+1),
		speakerSpans(bodyText, body, false, leadStart, leadEnd),
	}
	var out []Entity
	seen := map[string]int{}
	group, runGroup, lastEnd, lastTitle := 0, 0, -2, false
	add := func(key, text string, c Class, w *word, span int) {
		// Only names of people, places and things form runs: "МИД РФ Мария
		// Захарова" is the ministry, the country and one person.
		adjacent := c == ClassNamed && w.inTitle == lastTitle && w.start <= lastEnd+1
		lastEnd, lastTitle = span, w.inTitle
		if c != ClassNamed {
			lastEnd = -2
		}
		inLead := !w.inTitle && w.start >= leadStart && w.start < leadEnd
		i, ok := seen[key]
		if !ok {
			i = len(out)
			seen[key] = i
			out = append(out, Entity{Key: key, Text: text, Class: c})
			group++
			out[i].Group = group
		}
		out[i].Title = out[i].Title || w.inTitle
		out[i].Lead = out[i].Lead || inLead
		if c == ClassNamed && (w.inTitle && inSpans(speakers[0], w.start) || inLead && inSpans(speakers[1], w.start)) {
			out[i].Speaker = true
		}
		if !adjacent {
			runGroup = out[i].Group
			return
		}
		// A name next to the previous one is of the same run (Alexander
		// Lukashenko), even when one of them was met before on its own.
		if g := out[i].Group; g != runGroup {
			for j := range out {
				if out[j].Group == g {
					out[j].Group = runGroup
				}
			}
		}
	}
	for _, ws := range [][]word{title, body} {
		for i := 0; i < len(ws); i++ {
			w := &ws[i]
			if w.script == scriptHan {
				hanEntities(w, func(p *place, text string) { add(p.id, text, p.class, w, w.end) })
				continue
			}
			if i+1 < len(ws) && ws[i+1].start-w.end <= 2 && w.capital && ws[i+1].capital {
				if p := g.byPair[pairKey(w, &ws[i+1])]; p != nil {
					add(p.id, w.raw+" "+ws[i+1].raw, p.class, w, ws[i+1].end)
					i++
					continue
				}
			}
			if p := lookup(g, w); p != nil {
				add(p.id, w.raw, p.class, w, w.end)
				continue
			}
			if !w.capital || g.stops[stem(w)] || isDigits(w.raw) {
				continue
			}
			key := NameKey(w.raw)
			if len(key) < 3 {
				continue
			}
			needsConfirm := (w.initial && !w.allCaps) || (w.inTitle && titleCase)
			if needsConfirm && !confirmed[key] && !looksLikeName(ws, i) {
				continue
			}
			add(key, w.raw, ClassNamed, w, w.end)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// looksLikeName accepts a capitalised first word of a sentence that is
// followed by a reporting verb ("Песков заявил", "Peskov said") or, in
// Cyrillic, ends like a surname (-ов, -ева, -ин, -енко, -ский).
func looksLikeName(ws []word, i int) bool {
	if i+1 < len(ws) && isReporting(&ws[i+1]) {
		return true
	}
	if ws[i].script != scriptCyrillic {
		return false
	}
	for _, end := range surnameEndings {
		if strings.HasSuffix(ws[i].fold, end) && utf8.RuneCountInString(ws[i].fold) >= utf8.RuneCountInString(end)+3 {
			return true
		}
	}
	return false
}

var surnameEndings = strings.Fields("ов ова ев ева ин ина енко ич ук юк")

// joinedText rebuilds a field's text as far as its words reach, for the
// byte offsets the words carry. Words keep their offsets into the field's
// plain text, so the text must be that text: see Sign.
func joinedText(ws []word) string {
	if len(ws) == 0 {
		return ""
	}
	return ws[0].src[:ws[len(ws)-1].end]
}

// lead finds the byte range of the body's lead: its first sentence of at
// least eight words, which skips a dateline ("MINSK, June 6. /TASS/.").
func lead(body []word) (start, end int) {
	for i := 0; i < len(body); {
		j := i + 1
		for j < len(body) && !body[j].initial {
			j++
		}
		if j-i >= 8 || j == len(body) {
			return body[i].start, body[j-1].end
		}
		i = j
	}
	return 0, 0
}

// lookup finds a word in the gazetteer: acronyms only when written in
// capitals, adjectives in lower case, names when capitalised.
func lookup(g *gazIndex, w *word) *place {
	if w.allCaps {
		if p := g.acr[w.fold]; p != nil {
			return p
		}
	}
	if w.script != scriptCyrillic && w.script != scriptLatin || !w.capital && w.script == scriptLatin {
		return nil
	}
	k := stemKey(w)
	if k == "" {
		return nil
	}
	if w.capital {
		if p := g.byKey[k]; p != nil {
			return p
		}
		// An inflection the stemmer cuts differently (Китай, Китая) still
		// meets its name by sound, where that sound is one place's only.
		return g.byName[NameKey(w.raw)]
	}
	if w.script == scriptCyrillic {
		return g.adj[k]
	}
	return nil
}

// hanEntities finds gazetteer names inside a run of Han characters, the
// longest first at each position.
func hanEntities(w *word, fn func(*place, string)) {
	g := gaz()
	s := w.raw
	for i := 0; i < len(s); {
		matched := false
		for _, n := range g.hanLen {
			j, k := i, 0
			for ; k < n && j < len(s); k++ {
				_, size := utf8.DecodeRuneInString(s[j:])
				j += size
			}
			if k < n {
				continue
			}
			if p := g.han[s[i:j]]; p != nil {
				fn(p, s[i:j])
				i, matched = j, true
				break
			}
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
}

// isTitleCase reports a title whose longer words are mostly capitalised,
// where capitals say nothing about names.
func isTitleCase(title []word) bool {
	long, capital := 0, 0
	for i := range title {
		w := &title[i]
		if w.script != scriptLatin || utf8.RuneCountInString(w.raw) < 4 || w.initial {
			continue
		}
		long++
		if w.capital {
			capital++
		}
	}
	return long >= 3 && capital*3 >= long*2
}

func isDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}
