package story

import "testing"

func TestNameKeyJoinsSpellingsOfOneName(t *testing.T) {
	same := [][]string{
		{"Лукашенко", "Lukashenko", "Lukashenka", "Lukashenko's"},
		{"Захарова", "Захаровой", "Zakharova", "Zaharova"},
		{"Хренин", "Хренина", "Khrenin", "Hrenin"},
		{"Гродно", "Grodno", "Hrodna"},
		{"Рыженков", "Рыженковым", "Ryzhenkov", "Rizhenkov"},
		{"Вольфович", "Volfovich", "Wolfowicz"},
		{"Шойгу", "Shoigu", "Shoygu"},
		{"Сувалки", "Suwałki", "Suwalki"},
		{"Вильнюс", "Vilnius"},
		{"Браже", "Braže", "Braze"},
		{"Цахкна", "Tsahkna"},
		{"Шяуляй", "Šiauliai"},
		{"Науседой", "Nausėda"},
		{"Муравейко", "Muraveiko"},
		{"Лэмми", "Lammy"},
		{"Рютте", "Rutte"},
		{"Столтенберг", "Stoltenberg"},
		{"Сикорский", "Sikorski"},
		{"Гааге", "Hague"},
		{"Максимом", "Maxim"},
		{"Амстердаме", "Amsterdam"},
	}
	for _, group := range same {
		want := NameKey(group[0])
		if want == "" {
			t.Errorf("NameKey(%q) is empty", group[0])
			continue
		}
		for _, w := range group[1:] {
			if got := NameKey(w); got != want {
				t.Errorf("NameKey(%q) = %q, want %q as for %q", w, got, want, group[0])
			}
		}
	}
}

func TestNameKeyKeepsDifferentNamesApart(t *testing.T) {
	apart := [][2]string{
		{"Лукашенко", "Лавров"}, {"Захарова", "Заха"}, {"Минск", "Москва"}, {"Brest", "Brussels"},
		{"Хренин", "Рыженков"}, {"Riga", "Rukla"}, {"Вольфович", "Вроньский"}, {"Almaty", "Astana"},
	}
	for _, p := range apart {
		if a, b := NameKey(p[0]), NameKey(p[1]); a == b {
			t.Errorf("NameKey(%q) = NameKey(%q) = %q", p[0], p[1], a)
		}
	}
}

func TestRomanize(t *testing.T) {
	for in, want := range map[string]string{
		"Щучин": "shchuchin", "Объём": "obem", "Łukaszenka": "lukaszenka", "Žukauskas": "zhukauskas",
		"Nausėda": "nauseda", "Пабраде": "pabrade", "ЎСЦ": "usts", "北约": "", "Su-35": "su",
	} {
		if got := Romanize(in); got != want {
			t.Errorf("Romanize(%q) = %q, want %q", in, got, want)
		}
	}
}
