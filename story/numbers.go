package story

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Number is a quantity or a date an item states, in a notation-free key:
// n:90000 for 90,000, 90 000 and 90 тыс.; p:5 for 5%; d:07-01 for July 1
// and 1 июля; y:2025 for a year.
type Number struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// months maps month names (English, abbreviated English, Russian genitive
// and nominative, by folded prefix of four letters or the whole word) to
// their number.
var months = func() map[string]int {
	m := map[string]int{}
	en := []string{"january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december"}
	ru := []string{"январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
		"октябр", "ноябр", "декабр"}
	for i := range en {
		m[en[i]] = i + 1
		if len(en[i]) > 3 {
			m[en[i][:3]] = i + 1
		}
	}
	for i, p := range ru {
		for _, end := range []string{"", "ь", "я", "а", "е"} {
			m[p+end] = i + 1
		}
	}
	delete(m, "ма") // not a month without its ending
	m["мая"], m["май"] = 5, 5
	m["sept"] = 9
	return m
}()

// multipliers are the words for thousands and millions that follow a number.
var multipliers = map[string]float64{
	"тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "тысячам": 1e3, "thousand": 1e3, "k": 1e3,
	"млн": 1e6, "миллиона": 1e6, "миллионов": 1e6, "миллион": 1e6, "million": 1e6, "mln": 1e6,
	"млрд": 1e9, "миллиарда": 1e9, "миллиардов": 1e9, "billion": 1e9, "bn": 1e9,
	"万": 1e4, "亿": 1e8,
}

// numberWords are the spelled-out numbers agencies write (ten launchers,
// десяти установок), folded.
var numberWords = func() map[string]float64 {
	m := map[string]float64{}
	for v, ws := range map[float64]string{
		2: "two два двух двум двумя", 3: "three три трех трем тремя", 4: "four четыре четырех",
		5: "five пять пяти", 6: "six шесть шести", 7: "seven семь семи", 8: "eight восемь восьми",
		9: "nine девять девяти", 10: "ten десять десяти", 11: "eleven одиннадцать одиннадцати",
		12: "twelve двенадцать двенадцати", 20: "twenty двадцать двадцати", 30: "thirty тридцать тридцати",
		100: "hundred сто", 1000: "thousand",
	} {
		for _, w := range strings.Fields(ws) {
			m[w] = v
		}
	}
	return m
}()

// numbers finds the quantities and dates of one field. lang decides what a
// comma between digits is: a decimal comma in Russian, a thousands
// separator elsewhere.
func numbers(text string, ws []word, lang string) []Number {
	var out []Number
	add := func(key string, from, to int) {
		out = append(out, Number{Key: key, Text: text[ws[from].start:ws[to].end]})
	}
	sep := func(i int) string { return text[ws[i].end:ws[i+1].start] }
	decimalComma := lang == "ru" || lang == "be" || lang == "uk"
	zhMonth, zhAt := 0, -10
	for i := 0; i < len(ws); i++ {
		w := &ws[i]
		if !isDigits(w.raw) {
			if v, ok := numberWords[w.fold]; ok && !(i+1 < len(ws) && months[ws[i+1].fold] > 0) {
				add(numKey(v), i, i)
			}
			continue
		}
		// ISO dates and dd.mm.yyyy.
		if i+2 < len(ws) && isDigits(ws[i+1].raw) && isDigits(ws[i+2].raw) {
			a, b, c := atoi(w.raw), atoi(ws[i+1].raw), atoi(ws[i+2].raw)
			switch {
			case len(w.raw) == 4 && sep(i) == "-" && sep(i+1) == "-" && validDate(b, c):
				add(dateKey(b, c), i, i+2)
				add("y:"+w.raw, i, i)
				i += 2
				continue
			case len(ws[i+2].raw) == 4 && sep(i) == "." && sep(i+1) == "." && validDate(b, a):
				add(dateKey(b, a), i, i+2)
				add("y:"+ws[i+2].raw, i+2, i+2)
				i += 2
				continue
			}
		}
		j := i
		v := float64(atoi(w.raw))
		for len(ws[j].raw) <= 3 && j+1 < len(ws) && len(ws[j+1].raw) == 3 && isDigits(ws[j+1].raw) &&
			isGroupSep(sep(j), decimalComma) {
			v = v*1000 + float64(atoi(ws[j+1].raw))
			j++
		}
		if j == i && j+1 < len(ws) && isDigits(ws[j+1].raw) && isDecimalSep(sep(j), decimalComma) {
			f, err := strconv.ParseFloat(w.raw+"."+ws[j+1].raw, 64)
			if err == nil {
				v, j = f, j+1
			}
		}
		next := ""
		if j+1 < len(ws) {
			next = ws[j+1].fold
		}
		// Chinese dates: 6月12日, 6月24日至25日.
		if ws[j].script != scriptHan && next != "" && ws[j+1].script == scriptHan {
			switch {
			case strings.HasPrefix(next, "月") && v >= 1 && v <= 12:
				zhMonth, zhAt = int(v), j
				continue
			case strings.HasPrefix(next, "日") && zhMonth > 0 && j-zhAt <= 4 && validDate(zhMonth, int(v)):
				out = append(out, Number{Key: dateKey(zhMonth, int(v)), Text: text[w.start:ws[j].end] + "日"})
				zhAt = j
				continue
			case strings.HasPrefix(next, "年") && len(w.raw) == 4:
				add("y:"+w.raw, i, i)
				continue
			}
		}
		if k, m := rangeEnd(ws, j, sep); m > 0 && j == i && validDate(m, int(v)) && validDate(m, atoi(ws[k].raw)) {
			// 24-25 июня, с 12 по 16 сентября, 12–16 September.
			add(dateKey(m, int(v)), i, i)
			add(dateKey(m, atoi(ws[k].raw)), k, k+1)
			i = k + 1
			continue
		}
		if m, ok := months[next]; ok && validDate(m, int(v)) && v == float64(int(v)) {
			add(dateKey(m, int(v)), i, j+1)
			i = j + 1
			continue
		}
		if i >= 1 && months[ws[i-1].fold] > 0 && validDate(months[ws[i-1].fold], int(v)) {
			// June 3, June 24-25.
			m := months[ws[i-1].fold]
			add(dateKey(m, int(v)), i-1, j)
			if j+1 < len(ws) && isDigits(ws[j+1].raw) && isRangeSep(sep(j)) && validDate(m, atoi(ws[j+1].raw)) {
				add(dateKey(m, atoi(ws[j+1].raw)), j+1, j+1)
				j++
			}
			i = j
			continue
		}
		if mul, ok := multipliers[next]; ok {
			v *= mul
			j++
		}
		switch {
		case j+1 < len(ws) && (strings.HasPrefix(next, "процент") || next == "percent") ||
			j+1 <= len(ws) && strings.HasPrefix(text[ws[j].end:], "%"):
			add("p:"+strconv.FormatFloat(v, 'f', -1, 64), i, j)
		case j == i && len(w.raw) == 4 && v >= 1900 && v <= 2100:
			add("y:"+w.raw, i, i)
		default:
			add(numKey(v), i, j)
		}
		i = j
	}
	return out
}

// dedupeNumbers sorts numbers by key and keeps the first text of each.
func dedupeNumbers(ns []Number) []Number {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].Key < ns[j].Key })
	out := ns[:0]
	for _, n := range ns {
		if len(out) > 0 && out[len(out)-1].Key == n.Key {
			continue
		}
		out = append(out, n)
	}
	return out
}

// numberWeight is how much sharing a number tells: a date other than the
// day of publication much, a large or unround number much, a small count or
// a year little.
func numberWeight(key string, published time.Time) float64 {
	switch key[0] {
	case 'd':
		for _, d := range []time.Time{published, published.AddDate(0, 0, -1)} {
			if key == dateKey(int(d.Month()), d.Day()) {
				return 0.15
			}
		}
		return 0.8
	case 'y':
		return 0.2
	case 'p':
		return 0.5
	}
	v, err := strconv.ParseFloat(key[2:], 64)
	switch {
	case err != nil:
		return 0
	case v <= 12:
		return 0.2
	case v < 100:
		return 0.5
	}
	return 1
}

// rangeEnd finds the end of a range of days that begins at word j ("24-25
// июня", "12 по 16 сентября"): the index of the last day and its month, or
// a zero month.
func rangeEnd(ws []word, j int, sep func(int) string) (int, int) {
	k := j + 1
	if k < len(ws) && ws[k].fold == "по" {
		k++
	} else if k >= len(ws) || !isRangeSep(sep(j)) {
		return 0, 0
	}
	if k+1 >= len(ws) || !isDigits(ws[k].raw) || len(ws[k].raw) > 2 {
		return 0, 0
	}
	return k, months[ws[k+1].fold]
}

func isGroupSep(s string, decimalComma bool) bool {
	return s == " " || s == "\u202f" || s == "'" || (s == "," && !decimalComma) || (s == "." && decimalComma)
}

func isDecimalSep(s string, decimalComma bool) bool {
	return (s == "," && decimalComma) || (s == "." && !decimalComma)
}

func isRangeSep(s string) bool {
	s = strings.TrimSpace(s)
	return s == "-" || s == "–" || s == "—" || s == "to" || s == "и"
}

func validDate(m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }

func dateKey(m, d int) string { return fmt.Sprintf("d:%02d-%02d", m, d) }

func numKey(v float64) string { return "n:" + strconv.FormatFloat(v, 'f', -1, 64) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
