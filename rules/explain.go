package rules

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// TermExplanation says what one term will match: a word, phrase, prefix or
// regex of a rule's query, or an entry of a list. `attache check --explain`
// prints one per term, so that an analyst sees "Беларусь" turn into
// "беларусь, беларуси, беларусью" before an item is missed.
type TermExplanation struct {
	Rule     string // the rule whose query has the term, or ""
	List     string // the list whose entry it is, or ""
	Term     string // as written
	Words    []WordExplanation
	Warnings []string
}

// WordExplanation is one word of a term and what it is compared with.
type WordExplanation struct {
	Word    string   // folded; an acronym as written
	How     string   // "forms", "guessed forms", "as written", "stem", "exact", "prefix", "substring", "capitals"
	Matches []string // the forms, stems ("belarus (en)"), spellings or prefix it matches
}

// Explain describes every term of the rules and every list entry, in the
// order given (lists by name). It reports syntax errors as Compile does.
func Explain(rs []Rule, lists map[string][]string) ([]TermExplanation, error) {
	var out []TermExplanation
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
			e := explainWords(strings.TrimSpace(entry), words)
			e.List = name
			out = append(out, e)
		}
	}
	for i, r := range rs {
		n, err := parse(r.Query)
		if err != nil {
			errs = append(errs, &RuleError{Rule: i, Name: r.Name, Query: r.Query, Err: err})
			continue
		}
		for _, t := range termsOf(n) {
			var e TermExplanation
			switch t.Kind {
			case TermList:
				if _, ok := lists[t.List]; !ok {
					errs = append(errs, &RuleError{Rule: i, Name: r.Name, Query: r.Query, Err: errAt(t.Off, "unknown list @%s", t.List)})
				}
				continue // explained with the list
			case TermRegex:
				e = TermExplanation{Term: t.Src, Words: []WordExplanation{{Word: t.Src, How: "regex"}}}
			default:
				e = explainWords(t.Src, t.Words)
			}
			e.Rule = r.Name
			out = append(out, e)
		}
	}
	if len(errs) > 0 {
		return out, &CompileError{Errs: errs}
	}
	return out, nil
}

// termsOf lists the terms of a query in order.
func termsOf(n Node) []*Term {
	switch n := n.(type) {
	case *And:
		return termsOfAll(n.Kids)
	case *Or:
		return termsOfAll(n.Kids)
	case *Not:
		return termsOf(n.Kid)
	case *FieldScope:
		return termsOf(n.Kid)
	case *Near:
		return []*Term{n.Left, n.Right}
	case *NotNear:
		return []*Term{n.Left, n.Right}
	case *Term:
		return []*Term{n}
	}
	return nil
}

func termsOfAll(ns []Node) []*Term {
	var out []*Term
	for _, k := range ns {
		out = append(out, termsOf(k)...)
	}
	return out
}

// explainWords describes a term's words and what is worth a warning.
func explainWords(src string, words []Word) TermExplanation {
	e := TermExplanation{Term: src}
	if len(words) > 1 && !strings.ContainsAny(strings.Trim(src, `"=`), " \t") {
		var parts []string
		for _, w := range words {
			parts = append(parts, w.Text)
		}
		e.Warnings = append(e.Warnings, fmt.Sprintf("%q is a phrase of %d words (punctuation inside a word separates words): it also matches %q", src, len(words), strings.Join(parts, " ")))
	}
	for _, w := range words {
		we, warns := explainWord(w, len(words) == 1)
		e.Words = append(e.Words, we)
		e.Warnings = append(e.Warnings, warns...)
	}
	return e
}

// minStem is the shortest stem or prefix that is not worth a warning.
const minStem = 4

// explainWord describes one word; alone tells a one-word term from a word
// of a phrase, whose other words keep a short stem from matching widely.
func explainWord(w Word, alone bool) (WordExplanation, []string) {
	switch w.Kind {
	case WordExact:
		return WordExplanation{Word: w.Text, How: "exact", Matches: []string{w.Text}}, nil
	case WordPrefix:
		var warns []string
		if alone && utf8.RuneCountInString(w.Text) < minStem {
			warns = append(warns, fmt.Sprintf("prefix %q is shorter than %d letters: it matches many words", w.Text, minStem))
		}
		return WordExplanation{Word: w.Text, How: "prefix", Matches: []string{w.Text + "*"}}, warns
	case WordSubstring:
		var warns []string
		if utf8.RuneCountInString(w.Text) < 2 {
			warns = append(warns, fmt.Sprintf("%q is one character: it matches inside many words", w.Text))
		}
		return WordExplanation{Word: w.Text, How: "substring", Matches: []string{w.Text}}, warns
	case WordAcronym:
		return WordExplanation{Word: w.Raw, How: "capitals", Matches: acronymForms(w.Raw)}, nil
	}
	if scriptOf(w.Text) == scriptCyrillic {
		return explainRussian(w.Text)
	}
	return explainStem(w.Text, alone)
}

func explainRussian(w string) (WordExplanation, []string) {
	x := expandRussian(w)
	we := WordExplanation{Word: w, Matches: x.forms}
	var warns []string
	switch x.source {
	case ruDictionary:
		we.How = "forms"
		if len(x.lemmas) > 1 {
			warns = append(warns, fmt.Sprintf("%q is a form of several words (%s): it matches the forms of each", w, strings.Join(x.lemmas, ", ")))
		}
	case ruGuessed:
		we.How = "guessed forms"
		warns = append(warns, fmt.Sprintf("%q is not in the dictionary: its forms are guessed from %q; add the forms you need, or write =%s", w, x.lemmas[0], w))
	default:
		we.How = "as written"
		if isRussianWord(w) {
			warns = append(warns, fmt.Sprintf("%q is not in the dictionary and declines like no known word: it matches this form only", w))
		}
	}
	return we, warns
}

// explainStem gives a word's stems under the stemmers documents may use, and
// warns of short stems and of English plurals that stem differently.
func explainStem(w string, alone bool) (WordExplanation, []string) {
	we := WordExplanation{Word: w, How: "stem"}
	var warns []string
	stemmers := queryStemmers(w)
	if len(stemmers) == 1 {
		we.How, we.Matches = "as written", []string{w}
		return we, nil
	}
	// English first, then the other stemmers' stems where they differ;
	// languages without a stemmer compare the word as written.
	seen := map[string]bool{}
	for _, s := range append([]stemmer{stemEnglish}, stemmers...) {
		if s == stemNone {
			continue
		}
		if st := stem(s, w); !seen[st] {
			seen[st] = true
			we.Matches = append(we.Matches, st+" ("+stemmerNames[s]+")")
		}
	}
	if !seen[w] {
		we.Matches = append(we.Matches, w+" (other languages)")
	}
	if alone {
		en := stem(stemEnglish, w)
		if utf8.RuneCountInString(en) < minStem {
			warns = append(warns, fmt.Sprintf("the English stem %q is shorter than %d letters: it may match unrelated words", en, minStem))
		}
		// A word the stemmer leaves whole (a name) has no plural to miss.
		if plural := englishPlural(w); en != w && !strings.HasSuffix(w, "s") && stem(stemEnglish, plural) != en {
			warns = append(warns, fmt.Sprintf("%q stems to %q but its plural %q to %q: add the plural", w, en, plural, stem(stemEnglish, plural)))
		}
	}
	return we, warns
}

// englishPlural is the regular plural of an English noun.
func englishPlural(w string) string {
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

var stemmerNames = [numStemmers]string{
	stemEnglish: "en", stemFrench: "fr", stemSpanish: "es", stemSwedish: "sv",
	stemNorwegian: "no", stemHungarian: "hu", stemRussian: "ru",
}

// String prints an explanation on one line, with its warnings after it.
func (e TermExplanation) String() string {
	var b strings.Builder
	if e.List != "" {
		fmt.Fprintf(&b, "@%s %q:", e.List, e.Term)
	} else {
		fmt.Fprintf(&b, "rule %s %q:", e.Rule, e.Term)
	}
	for i, w := range e.Words {
		if i > 0 {
			b.WriteString(" +")
		}
		fmt.Fprintf(&b, " %s", w.How)
		if len(w.Matches) > 0 {
			fmt.Fprintf(&b, " %s", strings.Join(w.Matches, ", "))
		}
	}
	for _, warn := range e.Warnings {
		b.WriteString("\n    warning: ")
		b.WriteString(warn)
	}
	return b.String()
}
