package story

import (
	"hash/fnv"
	"strings"
	"unicode/utf8"
)

// stopwords are function words of English and Russian, folded, left out of
// the text signature: they are in every item and would make any two items
// of one language look alike.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a an the of in on at to for from by with without about over under into onto up down out off as
and or but nor not no so than then that this these those there here it its is are was were be
been being has have had do does did will would shall should can could may might must he she they
we you i his her their our your them him us who whom which what when where why how all any some
each every also other such only own same very just more most said says say according after before
during while since until per via near s
и в во на с со к ко по о об от до из у за над под при про для без через между а но или ни не
что как это этот эта эти того тому том тем так также же ли бы был была были было быть есть
он она они оно его ее их им ему ей нам нас вас вы мы я который которая которые которых которой
все всех всё весь вся свой своей своих своим своего уже еще ещё где когда чтобы если то тот та те
этом этой этих этого об со заявил заявила сообщил сообщила сказал сказала словам его ее
`) {
		m[w] = true
	}
	return m
}()

// tokens are the units of the text signature: the stems of an item's
// words that are neither function words nor numbers, and the character
// pairs of Chinese text, which has no spaces to split words on.
func tokens(ws []word, out []string) []string {
	for i := range ws {
		w := &ws[i]
		switch {
		case w.script == scriptHan:
			prev := ""
			for _, r := range w.raw {
				c := string(r)
				if prev != "" {
					out = append(out, prev+c)
				}
				prev = c
			}
			if utf8.RuneCountInString(w.raw) == 1 {
				out = append(out, w.raw)
			}
		case stopwords[w.fold] || isDigits(w.raw):
		default:
			out = append(out, stem(w))
		}
	}
	return out
}

// shingleHashes hashes every run of k consecutive tokens, each once.
func shingleHashes(toks []string, k int) []uint64 {
	if len(toks) < k {
		k = len(toks)
	}
	seen := map[uint64]bool{}
	var out []uint64
	for i := 0; i+k <= len(toks) && k > 0; i++ {
		h := fnv.New64a()
		for j := i; j < i+k; j++ {
			h.Write([]byte(toks[j]))
			h.Write([]byte{0})
		}
		v := h.Sum64()
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// mix64 is SplitMix64's finaliser: a fixed bijection that spreads bits, so
// that one 64-bit hash gives many independent-looking ones.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
