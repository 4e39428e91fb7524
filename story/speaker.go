package story

import "strings"

// reporting are the verbs (folded prefixes) with which agencies say who
// speaks: "said X", "X заявил", "Об этом сообщил X".
var reporting = strings.Fields(`
said says told stated stresses stressed noted added announced warned urged emphasised
emphasized commented called believes insisted declared
заяв сообщ сказал подчеркн отмет добав назва назвал выраз призва прокомментир уточн напомн
пообещ пожаловал ответил констатир предупред
`)

func isReporting(w *word) bool {
	if w.script != scriptLatin && w.script != scriptCyrillic {
		return false
	}
	for _, p := range reporting {
		if strings.HasPrefix(w.fold, p) {
			return true
		}
	}
	return false
}

// speakerSpans finds where a title or lead names who speaks: the words
// just before a reporting verb ("Khrenin said"), the words after one up to
// the next punctuation ("said Defence Minister Viktor Khrenin"), a title's
// head before a colon ("Захарова: ...") and its tail after a dash ("... —
// Lavrov"). It returns byte ranges of the field's text.
func speakerSpans(text string, ws []word, title bool, from, to int) [][2]int {
	var out [][2]int
	in := func(i int) bool { return ws[i].start >= from && ws[i].start < to }
	for i := range ws {
		if !in(i) || !isReporting(&ws[i]) {
			continue
		}
		if i >= 1 {
			out = append(out, [2]int{ws[max(0, i-2)].start, ws[i].start})
		}
		end := i + 1
		for end < len(ws) && end <= i+8 && !strings.ContainsAny(text[ws[end-1].end:ws[end].start], ",.;:") {
			end++
		}
		if end > i+1 {
			out = append(out, [2]int{ws[i+1].start, ws[end-1].end})
		}
	}
	if title && len(ws) > 0 {
		if c := strings.IndexAny(text, ":"); c > 0 && c < 60 {
			out = append(out, [2]int{0, c})
		}
		for _, dash := range []string{" — ", " – ", " - "} {
			if d := strings.LastIndex(text, dash); d > 0 && len(text)-d < 50 {
				out = append(out, [2]int{d, len(text)})
				break
			}
		}
	}
	// Chinese: 发言人林剑 (spokesperson X).
	for i := range ws {
		if ws[i].script == scriptHan {
			if k := strings.Index(ws[i].raw, "发言人"); k >= 0 && in(i) {
				out = append(out, [2]int{ws[i].start + k, ws[i].start + k + len("发言人") + 12})
			}
		}
	}
	return out
}

func inSpans(spans [][2]int, pos int) bool {
	for _, s := range spans {
		if pos >= s[0] && pos < s[1] {
			return true
		}
	}
	return false
}
