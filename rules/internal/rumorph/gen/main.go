// Command gen encodes the Russian Hunspell dictionary (ru_RU.aff and
// ru_RU.dic, from Debian's hunspell-ru package) as the compact dictionary
// that package rumorph embeds: every lemma with the paradigm of its forms.
//
//	apt-get install hunspell-ru
//	go generate ./rules/internal/rumorph
//
// Each entry of the .dic is expanded with its suffix flags into its forms
// (flag Z, adverbs made from adjectives, is left out: another word). A word
// the .dic lists without flags because no rule makes it (the instrumental
// "Польшей" of "Польша", the genitive "эстонцев" of "эстонец") is also added
// to the paradigm of the lemma it belongs to, when the lemma's stem begins
// it and its ending is one that lemmas of that shape take elsewhere.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/attache-dev/attache/rules/internal/rumorph"
)

func main() {
	aff := flag.String("aff", "/usr/share/hunspell/ru_RU.aff", "Hunspell affix file")
	dic := flag.String("dic", "/usr/share/hunspell/ru_RU.dic", "Hunspell dictionary file")
	fix := flag.String("fix", "gen/corrections.txt", "corrections to the .dic (see that file)")
	out := flag.String("o", "ru.dict", "output file")
	flag.Parse()
	if err := run(*aff, *dic, *fix, *out); err != nil {
		log.Fatal(err)
	}
}

func run(affPath, dicPath, fixPath, out string) error {
	rules, err := readAffix(affPath)
	if err != nil {
		return err
	}
	words, err := readDic(dicPath)
	if err != nil {
		return err
	}
	fixes, err := readDic(fixPath)
	if err != nil {
		return err
	}
	words = correct(words, fixes)
	b := newBuilder()
	var bare []string
	for _, w := range words {
		if w.flags == "" && len(w.extra) == 0 {
			bare = append(bare, w.word)
			continue
		}
		b.add(w.word, expand(w, rules))
	}
	attached := b.attach(bare)
	for _, w := range bare {
		b.add(w, nil)
	}
	paradigms, entries := b.result()
	tmp := out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := rumorph.Write(f, paradigms, entries); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	st, _ := os.Stat(out)
	fmt.Printf("%s: %d corrections, %d lemmas, %d paradigms, %d unflagged forms joined to their lemma, %d bytes\n",
		filepath.Base(out), len(fixes), len(entries), len(paradigms), attached, st.Size())
	return nil
}

// correct replaces the words that fixes name and adds the others.
func correct(words, fixes []dicWord) []dicWord {
	byWord := map[string]dicWord{}
	for _, f := range fixes {
		byWord[f.word] = f
	}
	out := words[:0:0]
	for _, w := range words {
		if f, ok := byWord[w.word]; ok {
			w = f
			delete(byWord, w.word)
		}
		out = append(out, w)
	}
	for _, f := range fixes {
		if _, ok := byWord[f.word]; ok {
			out = append(out, f)
		}
	}
	return out
}
