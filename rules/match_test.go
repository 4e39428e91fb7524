package rules

import (
	"strings"
	"sync"
	"testing"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/internal/corpus"
)

var testLists = map[string][]string{
	"nato": {"NATO", "North Atlantic Alliance", "НАТО", "Североатлантический альянс", "北约"},
	"west": {"Poland", "Lithuania", "Latvia", "western borders", "Польша", "Литва", "западные границы"},
	"csto": {"CSTO", "Collective Security Treaty Organisation", "ОДКБ"},
}

type matchCase struct {
	name  string
	query string
	doc   Document
	want  bool
	hit   string // when set, the text of the first hit
}

func title(s string) Document { return Document{Title: s} }

var matchCases = []matchCase{
	// Whole words, in every alphabet.
	{"a word matches itself", "NATO", title("NATO summit opens"), true, "NATO"},
	{"a word matches case-insensitively", "nato", title("NATO summit"), true, "NATO"},
	{"a word never matches inside a longer word", "NATO", title("NATOnal news"), false, ""},
	{"a word matches before an apostrophe", "NATO", title("NATO's eastern flank"), true, "NATO"},
	{"a word matches after a hyphen", "NATO", title("Russia-NATO Council"), true, "NATO"},
	{"a word matches inside parentheses", "NATO", title("the alliance (NATO) said"), true, "NATO"},
	{"a Cyrillic word matches before a comma", "НАТО", title("учения НАТО, начавшиеся вчера"), true, "НАТО"},
	{"a Cyrillic word never matches inside a longer word", "НАТО", title("НАТОвский подход"), false, ""},
	{"a Cyrillic word matches inside guillemets", "НАТО", title("блок «НАТО» заявил"), true, "НАТО"},
	{"ё and е are the same letter", "ещё", title("еще один визит"), true, "еще"},
	{"full-width letters fold to ASCII", "NATO", title("ＮＡＴＯ meeting"), true, "ＮＡＴＯ"},
	{"a soft hyphen inside a word is invisible", "NATO", title("NA\u00adTO summit"), true, "NATO"},

	// Stemming.
	{"a Russian word matches its plural", "граница", title("у границы Беларуси"), true, "границы"},
	{"a Russian word matches its prepositional", "граница", title("на западных границах"), true, "границах"},
	{"a Russian word matches its dative", "граница", title("к границе"), true, "границе"},
	{"an English word matches its plural", "border", title("on the borders of Belarus"), true, "borders"},
	{"an English plural matches its singular", "exercises", title("a joint exercise"), true, "exercise"},
	{"stemming does not join unrelated words", "border", title("a boarding pass"), false, ""},
	{"an exact word does not match another form", "=border", title("on the borders"), false, ""},
	{"an exact word matches its own form", "=borders", title("on the borders"), true, "borders"},
	{"an exact Russian word does not match another case", "=граница", title("у границы"), false, ""},
	{"French stems French documents", "frontière", Document{Title: "aux frontières de la Pologne", Lang: "fr"}, true, "frontières"},
	{"Latin words in a Russian document use English stems", "sanctions", Document{Title: "new sanction on imports", Lang: "ru"}, true, "sanction"},

	// Prefixes.
	{"a prefix matches longer words", "milit*", title("militarisation of relations"), true, "militarisation"},
	{"a prefix matches the word itself", "milit*", title("milit"), true, "milit"},
	{"a prefix does not match in the middle of a word", "milit*", title("demilitarised zone"), false, ""},
	{"a Cyrillic prefix matches", "воен*", title("военной активности"), true, "военной"},

	// Russian forms from the dictionary.
	{"Беларусь matches its genitive", "Беларусь", title("размещение ядерного оружия в Беларуси"), true, "Беларуси"},
	{"Беларусь matches its instrumental", "Беларусь", title("граница с Беларусью"), true, "Беларусью"},
	{"an oblique form as the query matches the nominative", "Беларуси", title("Беларусь и Россия"), true, "Беларусь"},
	{"Балтия matches Балтии", "Балтия", title("в странах Балтии"), true, "Балтии"},
	{"учения never matches учёные", "учения", title("Учёные Польши и Литвы"), false, ""},
	{"ученые never matches учения", "ученые", title("учения у границ"), false, ""},
	{"Русь does not match Россия's neighbours", "Русь", title("русский язык"), false, ""},
	{"an adjective matches every case and gender", "натовский", title("в связи с натовскими учениями"), true, "натовскими"},
	{"a form the affix rules miss is joined to its lemma", "Польша", title("граница с Польшей"), true, "Польшей"},
	{"a word outside the dictionary declines by analogy", "Рыженков", title("заявление Рыженкова"), true, "Рыженкова"},
	{"an indeclinable name matches itself", "Лукашенко", title("Лукашенко заявил"), true, "Лукашенко"},
	{"a Russian phrase matches inflected adjective and noun", `"ядерное оружие"`, title("размещение ядерного оружия"), true, "ядерного оружия"},

	// Words in capitals.
	{"an acronym does not match lower-case words", "НАТО", title("нате, Ната"), false, ""},
	{"an acronym matches in capitals", "НАТО", title("силы НАТО"), true, "НАТО"},
	{"an acronym of four letters matches Nato", "NATO", title("Nato allies"), true, "Nato"},
	{"an acronym never matches the word in lower case", "WHO", title("who said it"), false, ""},
	{"a three-letter acronym does not match title case", "WHO", title("Who said it"), false, ""},
	{"an English acronym takes a plural", "NGO", title("NGOs say"), true, "NGOs"},
	{"a Russian acronym read as a word declines", "МИД", title("глава МИДа"), true, "МИДа"},
	{"a declined acronym keeps its capitals", "МИД", title("мида"), false, ""},
	{"a spelt-out acronym is invariable", "ОДКБ", title("ОДКБа"), false, ""},
	{"an acronym ending in a vowel is invariable", "НАТО", title("НАТОм"), false, ""},
	{"a short acronym does not match a capitalised word", "ВС", title("Все"), false, ""},
	{"an acronym inside a phrase", `"NATO summit"`, title("the Nato summit"), true, "Nato summit"},
	{"full-width capitals are capitals", "NATO", title("ＮＡＴＯ"), true, "ＮＡＴＯ"},

	// Phrases.
	{"a phrase matches consecutive words", `"western borders"`, title("on the western borders of the CSTO"), true, "western borders"},
	{"a phrase matches across punctuation", `"Russia NATO council"`, title("the Russia–NATO Council met"), true, "Russia–NATO Council"},
	{"a phrase matches inflected words", `"западная граница"`, title("у западных границ ОДКБ"), true, "западных границ"},
	{"a phrase needs its words in order", `"western borders"`, title("borders western"), false, ""},
	{"a phrase needs its words adjacent", `"western borders"`, title("western and eastern borders"), false, ""},
	{"a phrase matches across a non-breaking space", `"to the west"`, title("to\u00a0the\u00a0west"), true, "to the west"},
	{"a phrase with a prefix matches", `"western bord*"`, title("western bordering states"), true, "western bordering"},
	{"a bare word with a hyphen is a phrase", "Russia-NATO", title("Russia NATO talks"), true, "Russia NATO"},

	// Boolean operators.
	{"AND needs both", "NATO AND Poland", title("NATO in Poland"), true, "NATO"},
	{"AND fails without one", "NATO AND Poland", title("NATO in Latvia"), false, ""},
	{"adjacency means AND", "NATO Poland", title("NATO in Latvia"), false, ""},
	{"OR needs one", "Poland OR Latvia", title("NATO in Latvia"), true, "Latvia"},
	{"NOT excludes", "NATO NOT sport", title("NATO sport games"), false, ""},
	{"NOT lets through what lacks the term", "NATO NOT sport", title("NATO summit"), true, "NATO"},
	{"minus excludes", "NATO -sport", title("NATO sport games"), false, ""},
	{"AND binds tighter than OR", "Poland OR Latvia AND summit", title("Poland news"), true, "Poland"},
	{"parentheses group", "(Poland OR Latvia) AND summit", title("Poland news"), false, ""},
	{"lower-case and is a word", "NATO and Poland", title("NATO and Poland"), true, "NATO"},

	// NEAR.
	{"NEAR matches within the distance", "NATO NEAR/4 borders", title("NATO forces near the borders"), true, "NATO"},
	{"NEAR matches in either order", "borders NEAR/4 NATO", title("NATO forces near the borders"), true, "NATO"},
	{"NEAR fails beyond the distance", "NATO NEAR/3 borders", title("NATO forces near the borders"), false, ""},
	{"NEAR/1 means adjacent", "NATO NEAR/1 forces", title("forces NATO"), true, "forces"},
	{"NEAR works with Cyrillic and stems", "НАТО NEAR/4 граница", title("активность НАТО у западных границ"), true, "НАТО"},
	{"NEAR needs the same field", "NATO NEAR/5 borders", Document{Title: "NATO", Summary: "borders"}, false, ""},
	{"NEAR works with lists", "@nato NEAR/5 @west", title("НАТО у западные границы"), true, "НАТО"},

	// NOT NEAR.
	{"NOT NEAR drops a term near the other", "nuclear NOT NEAR/2 plant", title("the nuclear power plant"), false, ""},
	{"NOT NEAR keeps a term far from the other", "nuclear NOT NEAR/2 plant", title("nuclear weapons, and a power plant"), true, "nuclear"},
	{"NOT NEAR keeps one occurrence when another is near", "nuclear NOT NEAR/2 plant", title("a nuclear power plant was discussed, and then nuclear weapons"), true, "nuclear"},
	{"NOT NEAR counts an overlapping term as near", `nuclear NOT NEAR/1 "nuclear family"`, title("the nuclear family"), false, ""},
	{"NOT NEAR without the other is the term", "nuclear NOT NEAR/2 plant", title("nuclear weapons"), true, "nuclear"},
	{"NOT NEAR looks in the same field only", "nuclear NOT NEAR/2 plant", Document{Title: "nuclear weapons", Summary: "power plant"}, true, "nuclear"},
	{"NOT NEAR needs the term", "nuclear NOT NEAR/2 plant", title("weapons"), false, ""},
	{"NOT NEAR with lists", "@nato NOT NEAR/3 @west", title("NATO summit in Poland"), false, ""},

	// Fields.
	{"a term looks in the summary by default", "NATO", Document{Summary: "<p>NATO</p>"}, true, "NATO"},
	{"a term looks in categories by default", "defence", Document{Categories: []string{"Politics", "Defence"}}, true, "Defence"},
	{"a term does not look in the link by default", "kremlin", Document{Link: "http://kremlin.ru/x"}, false, ""},
	{"a field scope limits the term", "title:NATO", Document{Summary: "NATO"}, false, ""},
	{"a field scope finds the term there", "summary:NATO", Document{Summary: "NATO"}, true, "NATO"},
	{"a field scope applies to a group", "title:(Poland OR Latvia)", Document{Title: "Latvia", Summary: "Poland"}, true, "Latvia"},
	{"link: looks in the link", "link:kremlin", Document{Link: "http://kremlin.ru/x"}, true, "kremlin"},
	{"author: looks at the author", "author:Zakharova", Document{Author: "Maria Zakharova"}, true, "Zakharova"},
	{"a phrase does not run from one category into the next", `"Politics Defence"`, Document{Categories: []string{"Politics", "Defence"}}, false, ""},

	// Markup and entities.
	{"entities are decoded", `"Q&A"`, Document{Summary: "A Q&amp;A session"}, true, "Q&A"},
	{"block tags separate words", `"NATO summit"`, Document{Summary: "<p>NATO</p><p>summit</p>"}, true, "NATO\nsummit"},
	{"inline tags inside a word do not split it", "NATO", Document{Summary: "<b>NA</b>TO"}, true, "NATO"},
	{"a line break tag separates words", "NATO", Document{Summary: "summit<br>NATO"}, true, "NATO"},
	{"script contents are not text", "NATO", Document{Summary: "<script>var NATO = 1</script>summit"}, false, ""},
	{"attributes are not text", "NATO", Document{Summary: `<a title="NATO">summit</a>`}, false, ""},
	{"a numeric entity NBSP separates words", `"NATO summit"`, Document{Summary: "NATO&#160;summit"}, true, "NATO summit"},

	// Regex.
	{"a regex matches case-insensitively", `/off\w+ potential/`, title("OFFENSIVE POTENTIAL"), true, "OFFENSIVE POTENTIAL"},
	{"a regex without a match fails", `/off\w+ potential/`, title("defensive potential"), false, ""},
	{"a regex without a literal still runs", `/\d{4}/`, title("in 2024"), true, "2024"},
	{"a Cyrillic regex folds case", `/ОДКБ/`, title("одкб"), true, "одкб"},

	// Lists.
	{"a list matches any entry", "@nato", title("Североатлантического альянса"), true, "Североатлантического альянса"},
	{"a list matches an English phrase entry", "@csto", title("the Collective Security Treaty Organisation met"), true, "Collective Security Treaty Organisation"},
	{"a list does not match what it lacks", "@nato", title("EU summit"), false, ""},

	// Unspaced scripts.
	{"a Chinese term matches inside unspaced text", "北约", title("外交部发言人就北约峰会答记者问"), true, "北约"},
	{"a Chinese term does not match other characters", "北约", title("外交部发言人答记者问"), false, ""},
	{"a Chinese list entry matches", "@nato", title("关于北约东扩的声明"), true, "北约"},
	{"a Japanese term matches inside kana text", "ロシア", title("ロシア外務省の声明"), true, "ロシア"},
}

func TestMatchConstructs(t *testing.T) {
	for _, c := range matchCases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Compile([]Rule{{Name: "r", Query: c.query}}, testLists)
			if err != nil {
				t.Fatalf("Compile(%q): %v", c.query, err)
			}
			got := m.Match(c.doc)
			if (len(got) == 1) != c.want {
				t.Fatalf("Match(%q) on %+v = %+v, want match %v", c.query, c.doc, got, c.want)
			}
			if !c.want || c.hit == "" {
				return
			}
			hits := got[0].Hits
			if len(hits) == 0 {
				t.Fatalf("no hits for %q", c.query)
			}
			a := Analyze(c.doc)
			for _, h := range hits {
				if text := a.Text(h.Field); text[h.Start:h.End] != h.Text {
					t.Errorf("hit %+v: offsets give %q, not its text", h, text[h.Start:h.End])
				}
			}
			if hits[0].Text != c.hit {
				t.Errorf("first hit = %q, want %q (all: %+v)", hits[0].Text, c.hit, hits)
			}
		})
	}
}

func TestMatchReportsTheTermAsWritten(t *testing.T) {
	m, err := Compile([]Rule{{Name: "nato-west", Query: "@nato AND @west"}}, testLists)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Match(title("НАТО у западных границ"))
	want := []attache.Hit{
		{Field: "title", Term: "НАТО", Text: "НАТО", Start: 0, End: len("НАТО")},
		{Field: "title", Term: "западные границы", Text: "западных границ", Start: len("НАТО у "), End: len("НАТО у западных границ")},
	}
	if len(got) != 1 || !equalHits(got[0].Hits, want) {
		t.Fatalf("got %+v, want hits %+v", got, want)
	}
}

func equalHits(a, b []attache.Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMatchHonoursScopes(t *testing.T) {
	m, err := Compile([]Rule{
		{Name: "everywhere", Query: "NATO"},
		{Name: "russia-only", Query: "NATO", Scopes: []string{"russia"}},
		{Name: "kremlin-en", Query: "NATO", Scopes: []string{"kremlin-en"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		scopes []string
		want   []string
	}{
		{"a feed with the tag gets the tagged rule", []string{"tass-en", "russia"}, []string{"everywhere", "russia-only"}},
		{"a feed named in a rule gets it", []string{"kremlin-en"}, []string{"everywhere", "kremlin-en"}},
		{"another feed gets only the unscoped rule", []string{"state-dept", "us"}, []string{"everywhere"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ruleNames(m.Match(Document{Title: "NATO", Scopes: c.scopes}))
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func ruleNames(ms []attache.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Rule)
	}
	return out
}

func TestSeedReportIsCaughtByTheNATOBordersRule(t *testing.T) {
	raw := corpus.Read(t, "news/seed-belarus-fm-csto-nato.txt")
	head, body, _ := strings.Cut(string(raw), "\n")
	m, err := Compile([]Rule{
		{Name: "nato-west", Query: `@nato AND (@west OR @csto OR Belarus OR Беларусь)`},
		{Name: "nato-buildup", Query: `@nato NEAR/8 borders`},
		{Name: "unrelated", Query: `sanctions AND oil`},
	}, testLists)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Match(Document{Title: head, Summary: body})
	if names := strings.Join(ruleNames(got), ","); names != "nato-west,nato-buildup" {
		t.Fatalf("rules = %s, want nato-west,nato-buildup", names)
	}
}

func TestMatcherIsSafeForConcurrentUse(t *testing.T) {
	var rs []Rule
	for _, c := range matchCases {
		rs = append(rs, Rule{Name: c.name, Query: c.query})
	}
	m, err := Compile(rs, testLists)
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]string, len(matchCases))
	for i, c := range matchCases {
		want[i] = ruleNames(m.Match(c.doc))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for round := range 50 {
				i := (g*7 + round) % len(matchCases)
				if got := ruleNames(m.Match(matchCases[i].doc)); strings.Join(got, "|") != strings.Join(want[i], "|") {
					t.Errorf("goroutine %d: document %d matched %v, alone %v", g, i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
