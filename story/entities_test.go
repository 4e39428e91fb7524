package story

import (
	"strings"
	"testing"
)

func entityKeys(title, body string) string {
	t := words(plain(title), true, nil)
	b := words(plain(body), false, nil)
	var keys []string
	for _, e := range entities(t, b) {
		keys = append(keys, e.Key)
	}
	return strings.Join(keys, " ")
}

func TestEntitiesAcrossScripts(t *testing.T) {
	ru := entityKeys("Хренин: у границ Беларуси сосредоточено до 40 тысяч военнослужащих НАТО",
		"Министр обороны Беларуси Виктор Хренин заявил, что под Гродно находятся войска НАТО. "+
			"«Мы видим, как Польша и Литва наращивают группировки», — сказал министр.")
	en := entityKeys("Khrenin: up to 40,000 NATO troops concentrated near Belarus' borders",
		"Belarusian Defense Minister Viktor Khrenin said NATO troops are near Grodno. "+
			"“We see Poland and Lithuania building up their forces,” he said.")
	if ru != en {
		t.Errorf("entities differ:\nru %s\nen %s", ru, en)
	}
	for _, want := range []string{"belarus", "grodno", "nato", "poland", "lithuania", NameKey("Khrenin"), NameKey("Viktor")} {
		if !strings.Contains(" "+en+" ", " "+want+" ") {
			t.Errorf("entities %q lack %q", en, want)
		}
	}
}

func TestEntitiesLeaveOutGenericAndSentenceInitialWords(t *testing.T) {
	got := entityKeys("Statement of the Ministry of Foreign Affairs on NATO Exercises Near the Border",
		"The Ministry regards the exercises as a demonstration of force. Speaking in Brussels, "+
			"the Minister said so. Учения прошли у границы.")
	if got != "brussels nato" {
		t.Errorf("entities = %q, want %q", got, "brussels nato")
	}
}

func TestEntitiesInChinese(t *testing.T) {
	got := entityKeys("2025年6月12日外交部发言人林剑主持例行记者会", "北约秘书长吕特指责中国支持俄罗斯。")
	for _, want := range []string{"lin-jian", "nato", "china", "russia", "mfa", NameKey("Rutte")} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("entities %q lack %q", got, want)
		}
	}
	if ru := entityKeys("Линь Цзянь", "Официальный представитель МИД КНР Линь Цзянь и генсек НАТО Марк Рютте"); !strings.Contains(ru, "lin-jian") || !strings.Contains(ru, NameKey("Rutte")) {
		t.Errorf("Russian entities %q lack lin-jian or Rutte", ru)
	}
}

func TestEntitiesGroupAdjacentNames(t *testing.T) {
	b := words("Spokeswoman Maria Zakharova said that Lavrov will go.", false, nil)
	es := entities(nil, b)
	groups := map[string]int{}
	for _, e := range es {
		groups[e.Text] = e.Group
	}
	if groups["Maria"] != groups["Zakharova"] || groups["Zakharova"] == groups["Lavrov"] {
		t.Errorf("groups = %v, want Maria and Zakharova together, Lavrov apart", groups)
	}
}
