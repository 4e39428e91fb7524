package story

import (
	"sort"
	"strings"
	"sync"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Class says how much a shared entity tells about two items being one story.
type Class uint8

const (
	// ClassCommon is for names found in most items of this domain (NATO, Belarus, the
	// foreign ministry); sharing it says almost nothing.
	ClassCommon Class = iota
	// ClassCountry is for a country or region, often a story's setting but shared
	// by many stories of a week.
	ClassCountry
	// ClassNamed is for a person, a town, an exercise, an organisation's own
	// name: what tells one story from another.
	ClassNamed
)

// place is one entry of the gazetteer: the names that transliteration cannot
// join (exonyms such as Poland and Польша, adjectives such as белорусский,
// Chinese names), under one canonical id.
type place struct {
	id    string
	class Class
	names []string // any script; two Latin or Cyrillic words are matched as a pair
}

// gazetteer holds the names of the domain that a key cannot join by sound.
// It is general knowledge of the region, not a list of the fixture's names:
// people and places whose Cyrillic and Latin spellings share a NameKey need
// no entry.
var gazetteer = []place{
	{"nato", ClassCommon, []string{"NATO", "НАТО", "натовский", "OTAN", "北约", "北大西洋公约组织"}},
	{"csto", ClassCommon, []string{"CSTO", "ОДКБ", "集安组织", "集体安全条约组织"}},
	{"belarus", ClassCommon, []string{"Belarus", "Belarusian", "Byelorussia", "Беларусь", "Белоруссия",
		"белорусский", "белорусская", "白俄罗斯", "白方"}},
	{"russia", ClassCommon, []string{"Russia", "Russian", "Россия", "российский", "российская", "РФ",
		"俄罗斯", "俄方"}},
	{"minsk", ClassCommon, []string{"Minsk", "Минск", "минский", "明斯克"}},
	{"moscow", ClassCommon, []string{"Moscow", "Москва", "московский", "莫斯科"}},
	{"kremlin", ClassCommon, []string{"Kremlin", "Кремль", "克里姆林宫"}},
	{"mfa", ClassCommon, []string{"MFA", "МИД", "外交部"}},
	{"un", ClassCommon, []string{"UN", "ООН", "联合国"}},
	{"eu", ClassCountry, []string{"EU", "ЕС", "欧盟"}},
	{"us", ClassCountry, []string{"US", "USA", "U.S.", "American", "США", "американский", "美国"}},
	{"poland", ClassCountry, []string{"Poland", "Polish", "Польша", "польский", "польская", "波兰"}},
	{"lithuania", ClassCountry, []string{"Lithuania", "Lithuanian", "Литва", "литовский", "литовская", "立陶宛"}},
	{"latvia", ClassCountry, []string{"Latvia", "Latvian", "Латвия", "латвийский", "латвийская", "拉脱维亚"}},
	{"estonia", ClassCountry, []string{"Estonia", "Estonian", "Эстония", "эстонский", "эстонская", "爱沙尼亚"}},
	{"baltic", ClassCountry, []string{"Baltic", "Baltics", "Балтика", "балтийский", "Прибалтика",
		"прибалтийский", "波罗的海"}},
	{"germany", ClassCountry, []string{"Germany", "German", "Германия", "немецкий", "ФРГ", "德国"}},
	{"uk", ClassCountry, []string{"UK", "Britain", "British", "Великобритания", "Британия", "британский", "英国"}},
	{"ukraine", ClassCountry, []string{"Ukraine", "Ukrainian", "Украина", "украинский", "乌克兰"}},
	{"china", ClassCountry, []string{"China", "Chinese", "Китай", "китайский", "КНР", "中国", "中方"}},
	{"japan", ClassCountry, []string{"Japan", "Japanese", "Япония", "японский", "日本"}},
	{"korea", ClassCountry, []string{"Korea", "Korean", "Корея", "корейский", "韩国"}},
	{"finland", ClassCountry, []string{"Finland", "Finnish", "Финляндия", "финский", "芬兰"}},
	{"sweden", ClassCountry, []string{"Sweden", "Swedish", "Швеция", "шведский", "瑞典"}},
	{"netherlands", ClassCountry, []string{"Netherlands", "Dutch", "Нидерланды", "Голландия", "нидерландский", "荷兰"}},
	{"france", ClassCountry, []string{"France", "French", "Франция", "французский", "法国"}},
	{"kazakhstan", ClassCountry, []string{"Kazakhstan", "Kazakh", "Казахстан", "казахстанский", "哈萨克斯坦"}},
	{"kyrgyzstan", ClassCountry, []string{"Kyrgyzstan", "Kyrgyz", "Киргизия", "Кыргызстан", "киргизский", "吉尔吉斯斯坦"}},
	{"armenia", ClassCountry, []string{"Armenia", "Armenian", "Армения", "армянский", "亚美尼亚"}},
	{"tajikistan", ClassCountry, []string{"Tajikistan", "Tajik", "Таджикистан", "таджикский", "塔吉克斯坦"}},
	{"afghanistan", ClassCountry, []string{"Afghanistan", "Afghan", "Афганистан", "афганский", "阿富汗"}},
	{"asia-pacific", ClassCountry, []string{"Asia-Pacific", "АТР", "亚太"}},
	// Capitals stand for their governments ("Warsaw warned", "Пекин
	// призвал") more often than for where something happened.
	{"warsaw", ClassCountry, []string{"Warsaw", "Варшава", "варшавский", "华沙"}},
	{"vilnius", ClassCountry, []string{"Vilnius", "Вильнюс", "вильнюсский", "维尔纽斯"}},
	{"riga", ClassCountry, []string{"Riga", "Рига", "рижский", "里加"}},
	{"tallinn", ClassCountry, []string{"Tallinn", "Таллин", "Таллинн", "таллинский", "塔林"}},
	{"kyiv", ClassCountry, []string{"Kyiv", "Kiev", "Киев", "киевский", "基辅"}},
	{"brussels", ClassNamed, []string{"Brussels", "Брюссель", "брюссельский", "布鲁塞尔"}},
	{"hague", ClassNamed, []string{"Hague", "Гаага", "гаагский", "海牙"}},
	{"beijing", ClassCountry, []string{"Beijing", "Peking", "Пекин", "пекинский", "北京"}},
	{"london", ClassCountry, []string{"London", "Лондон", "лондонский", "伦敦"}},
	{"washington", ClassCountry, []string{"Washington", "Вашингтон", "华盛顿"}},
	{"astana", ClassCountry, []string{"Astana", "Астана", "阿斯塔纳"}},
	{"almaty", ClassNamed, []string{"Almaty", "Алматы", "Alma-Ata", "Алма-Ата", "阿拉木图"}},
	{"bishkek", ClassCountry, []string{"Bishkek", "Бишкек", "比什凯克"}},
	{"yerevan", ClassCountry, []string{"Yerevan", "Ереван", "埃里温"}},
	{"dushanbe", ClassCountry, []string{"Dushanbe", "Душанбе", "杜尚别"}},
	{"st-petersburg", ClassNamed, []string{"Petersburg", "Петербург", "петербургский", "Санкт-Петербург",
		"St Petersburg", "圣彼得堡"}},
	{"kaliningrad", ClassNamed, []string{"Kaliningrad", "Калининград", "калининградский", "加里宁格勒"}},
	{"brest", ClassNamed, []string{"Brest", "Брест", "брестский", "布列斯特"}},
	{"grodno", ClassNamed, []string{"Grodno", "Hrodna", "Гродно", "гродненский", "格罗德诺"}},
	{"vitebsk", ClassNamed, []string{"Vitebsk", "Viciebsk", "Витебск", "витебский", "维捷布斯克"}},
	{"mogilev", ClassNamed, []string{"Mogilev", "Mahilyow", "Mahiliou", "Могилев", "могилевский", "莫吉廖夫"}},
	{"gomel", ClassNamed, []string{"Gomel", "Homiel", "Гомель", "гомельский", "戈梅利"}},
	{"suwalki", ClassNamed, []string{"Suwalki", "Suwałki", "Сувалки", "сувалкский", "苏瓦乌基"}},
	// Chinese names of people whom the region's news quote; their pinyin and
	// Palladius spellings share no key.
	{"lin-jian", ClassNamed, []string{"林剑", "Lin Jian", "Линь Цзянь"}},
	{"mao-ning", ClassNamed, []string{"毛宁", "Mao Ning", "Мао Нин"}},
	{"guo-jiakun", ClassNamed, []string{"郭嘉昆", "Guo Jiakun", "Го Цзякунь"}},
	{"wang-yi", ClassNamed, []string{"王毅", "Wang Yi", "Ван И"}},
	{"xi-jinping", ClassNamed, []string{"习近平", "Xi Jinping", "Си Цзиньпин"}},
	// Names written in Chinese that otherwise share a key with Latin and
	// Cyrillic spellings.
	{NameKey("Lukashenko"), ClassNamed, []string{"卢卡申科"}},
	{NameKey("Putin"), ClassNamed, []string{"普京"}},
	{NameKey("Lavrov"), ClassNamed, []string{"拉夫罗夫"}},
	{NameKey("Zakharova"), ClassNamed, []string{"扎哈罗娃"}},
	{NameKey("Rutte"), ClassNamed, []string{"吕特"}},
	{NameKey("Zelensky"), ClassNamed, []string{"泽连斯基"}},
}

// generic are capitalised words that name no one thing: offices, titles,
// days and months, function words that begin a title. Compared by stem.
var generic = strings.Fields(`
the a an in on at as for of and but by to with from it he she they we this that these those our
his her its their mr mrs ms dr why how what who
ministry minister ministers foreign affairs defence defense president prime deputy secretary
general council security committee state states republic federation union organization
organisation treaty collective alliance allied allies armed forces force spokeswoman spokesperson
spokesman press head chief chairman ambassador embassy parliament parliamentary assembly government
cabinet office service agency command operational staff national summit sea region border guard
air navy army lieutenant admiral vice colonel major statement comment briefing house
representatives forward presence land rapid reaction western eastern northern southern north
south east west central international joint first second new guarantees guarantee
agreement strategy concept doctrine declaration gdp ввп
tass тасс ria риа belta белта interfax интерфакс reuters xinhua sputnik спутник novosti новости
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december
министерство министр президент глава государство совет комитет республика федерация союзный
вооруженный сила генеральный государственный парламентский ассамблея палата национальный собрание
договор организация генштаб госдума совбез минобороны генсек госпогранкомитет западный
оперативный командование коллективный безопасность иностранный дело пресс секретарь
официальный представитель
`)

type gazIndex struct {
	byKey  map[string]*place // stemKey of a one-word name
	byName map[string]*place // NameKey of a one-word name, where no two places share it
	adj    map[string]*place // stemKey of a lower-case name (an adjective)
	acr    map[string]*place // folded acronym, matched by words in capitals only
	byPair map[string]*place // stemKeys "word word" of a two-word name
	han    map[string]*place // Han names
	hanLen []int             // distinct rune lengths of Han names, longest first
	stops  map[string]bool   // stems of generic words
}

var gaz = sync.OnceValue(func() *gazIndex {
	g := &gazIndex{byKey: map[string]*place{}, byName: map[string]*place{}, adj: map[string]*place{}, acr: map[string]*place{}, byPair: map[string]*place{}, han: map[string]*place{},
		stops: map[string]bool{}}
	lens := map[int]bool{}
	ambiguous := map[string]bool{}
	for i := range gazetteer {
		p := &gazetteer[i]
		for _, n := range p.names {
			ws := words(n, false, nil)
			switch {
			case len(ws) == 1 && ws[0].script == scriptHan:
				g.han[n] = p
				lens[len([]rune(n))] = true
			case len(ws) == 1 && ws[0].allCaps:
				g.acr[ws[0].fold] = p
			case len(ws) == 1:
				k := stemKey(&ws[0])
				if k == "" {
					continue
				}
				g.byKey[k] = p
				if !ws[0].capital {
					g.adj[k] = p
				}
				if nk := NameKey(n); nk != "" {
					if q, ok := g.byName[nk]; ok && q != p {
						ambiguous[nk] = true
					}
					g.byName[nk] = p
				}
			case len(ws) == 2:
				g.byPair[pairKey(&ws[0], &ws[1])] = p
			}
		}
	}
	for k := range ambiguous {
		delete(g.byName, k) // Литва and Латвия share a NameKey: neither is found by it
	}
	for n := range lens {
		g.hanLen = append(g.hanLen, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(g.hanLen)))
	for _, w := range generic {
		g.stops[english.Stem(w, false)] = true
		g.stops[russian.Stem(w, false)] = true
	}
	return g
})

func pairKey(a, b *word) string { return stemKey(a) + " " + stemKey(b) }

// stemKey is how a word is looked up in the gazetteer: its stem in its own
// language, romanized. Stems keep apart the names that NameKey would join
// (Литва and Латвия share a NameKey) while meeting their inflected forms.
func stemKey(w *word) string {
	if w.keyed == "" {
		if w.script == scriptHan {
			w.keyed = w.fold
		} else {
			w.keyed = Romanize(stem(w))
		}
	}
	return w.keyed
}
