package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// suffixRule is one line of a Hunspell SFX class: a word ending in cond
// loses strip and takes add.
type suffixRule struct {
	strip, add string
	cond       []charClass // matched against the end of the word
}

// charClass is one position of a condition: a letter, [abc], [^abc] or '.'.
type charClass struct {
	runes  string
	negate bool
	any    bool
}

func (c charClass) has(r rune) bool {
	if c.any {
		return true
	}
	return strings.ContainsRune(c.runes, r) != c.negate
}

// leftOut are flags whose forms are other words: Z makes adverbs from
// adjectives ("ядерный" → "ядерно").
const leftOut = "Z"

// readAffix reads the SFX classes of a .aff file. The Russian dictionary
// uses no prefixes and no continuation flags; a file that does is refused
// rather than read wrong.
func readAffix(path string) (map[byte][]suffixRule, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rules := map[byte][]suffixRule{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		switch fs[0] {
		case "PFX":
			return nil, fmt.Errorf("%s:%d: prefixes are not supported", path, line)
		case "FLAG", "COMPOUNDFLAG", "NEEDAFFIX", "CIRCUMFIX":
			return nil, fmt.Errorf("%s:%d: %s is not supported", path, line, fs[0])
		case "SFX":
		default:
			continue
		}
		if len(fs[1]) != 1 {
			return nil, fmt.Errorf("%s:%d: flag %q is not one letter", path, line, fs[1])
		}
		if len(fs) == 4 {
			if _, err := strconv.Atoi(fs[3]); err == nil {
				continue // the class header
			}
		}
		if len(fs) < 5 {
			return nil, fmt.Errorf("%s:%d: short SFX line", path, line)
		}
		if strings.Contains(fs[3], "/") {
			return nil, fmt.Errorf("%s:%d: continuation flags are not supported", path, line)
		}
		r := suffixRule{strip: zero(fs[2]), add: zero(fs[3])}
		if r.cond, err = parseCond(fs[4]); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		rules[fs[1][0]] = append(rules[fs[1][0]], r)
	}
	return rules, sc.Err()
}

func zero(s string) string {
	if s == "0" {
		return ""
	}
	return s
}

func parseCond(s string) ([]charClass, error) {
	var out []charClass
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '.':
			out = append(out, charClass{any: true})
		case '[':
			j := i + 1
			c := charClass{}
			if j < len(rs) && rs[j] == '^' {
				c.negate = true
				j++
			}
			k := j
			for k < len(rs) && rs[k] != ']' {
				k++
			}
			if k == len(rs) {
				return nil, fmt.Errorf("condition %q: unclosed [", s)
			}
			c.runes = string(rs[j:k])
			out = append(out, c)
			i = k
		default:
			out = append(out, charClass{runes: string(rs[i])})
		}
	}
	return out, nil
}

func (r *suffixRule) applies(w []rune) bool {
	if len(r.cond) > len(w) || !strings.HasSuffix(string(w), r.strip) {
		return false
	}
	tail := w[len(w)-len(r.cond):]
	for i, c := range r.cond {
		if !c.has(tail[i]) {
			return false
		}
	}
	return true
}

// dicWord is one line of a .dic file.
type dicWord struct {
	word  string
	flags string
	extra []string // forms no flag makes (corrections only)
}

func readDic(path string) ([]dicWord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []dicWord
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		s := sc.Text()
		if i := strings.Index(s, "#"); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if first && s != "" {
			first = false
			if _, err := strconv.Atoi(s); err == nil {
				continue // the count
			}
		}
		if s == "" {
			continue
		}
		fields := strings.Fields(s)
		w, flags, _ := strings.Cut(fields[0], "/")
		out = append(out, dicWord{word: w, flags: flags, extra: fields[1:]})
	}
	return out, sc.Err()
}

// expand gives every form a dictionary word's flags make, itself first.
func expand(w dicWord, rules map[byte][]suffixRule) []string {
	forms := append([]string{w.word}, w.extra...)
	rw := []rune(w.word)
	for i := 0; i < len(w.flags); i++ {
		if strings.IndexByte(leftOut, w.flags[i]) >= 0 {
			continue
		}
		for _, r := range rules[w.flags[i]] {
			if r.applies(rw) {
				forms = append(forms, w.word[:len(w.word)-len(r.strip)]+r.add)
			}
		}
	}
	return forms
}
