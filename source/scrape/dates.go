package scrape

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/attache-dev/attache/text"
)

// ParseDate reads the date of an item as a ministry's page writes it.
//
// With layout set, the text (white space collapsed) must be in that Go
// layout, such as "02.01.2006" or "January 2, 2006 15:04".
//
// Without, the earliest date found in the text in one of these forms is
// taken:
//
//	02.11.2024, 2.11.2024, 02.11.2024 14:30
//	2 November 2024, 2 Nov. 2024, November 2, 2024, Nov 2nd, 2024
//	2 ноября 2024 г. (Russian, Belarusian and Ukrainian month names)
//	2024年11月2日
//	2024-11-02, 2024-11-02 14:30, RFC 3339 (2024-11-02T14:30:00+03:00)
//	a Unix time in seconds or milliseconds, when it is the whole text
//
// Day before month in numeric dates: 02.11.2024 is the 2nd of November, as
// every ministry using dots means it. A date without a zone is taken as
// UTC, and without a time as midnight. ok is false when no date is found.
func ParseDate(s, layout string) (t time.Time, ok bool) {
	s = text.OneLine(s)
	if s == "" {
		return time.Time{}, false
	}
	if layout != "" {
		t, err := time.Parse(layout, s)
		return t.UTC(), err == nil
	}
	if t, ok := unixTime(s); ok {
		return t, true
	}
	best, bestStart, bestLen := time.Time{}, -1, 0
	for _, f := range dateForms {
		for _, m := range f.re.FindAllStringSubmatchIndex(s, -1) {
			start, end := m[2], m[1] // group 1 begins the date proper
			if !boundary(s, start, end) {
				continue
			}
			d, ok := f.build(func(i int) string {
				if m[2*i] < 0 {
					return ""
				}
				return s[m[2*i]:m[2*i+1]]
			})
			if !ok {
				continue
			}
			if bestStart < 0 || start < bestStart || (start == bestStart && end-start > bestLen) {
				best, bestStart, bestLen = d, start, end-start
			}
			break // later matches of this form start further on
		}
	}
	return best, bestStart >= 0
}

// CheckLayout refuses a date_format that is not a Go layout with a year, a
// month and a day, such as a strftime pattern.
func CheckLayout(layout string) error {
	ref := time.Date(2024, 11, 2, 15, 4, 5, 0, time.UTC)
	t, err := time.Parse(layout, ref.Format(layout))
	if err == nil && t.Year() == 2024 && t.Month() == 11 && t.Day() == 2 {
		return nil
	}
	msg := fmt.Sprintf("%q is not a Go layout with year, month and day", layout)
	if strings.Contains(layout, "%") {
		msg += " (strftime patterns such as %d.%m.%Y are not understood)"
	}
	return fmt.Errorf("%s: write the reference date Mon Jan 2 15:04:05 2006 as the page writes dates, such as 02.01.2006 or January 2, 2006", msg)
}

// dateForm is one way of writing a date; build turns its groups into a
// time, or fails when they are not a real date.
type dateForm struct {
	re    *regexp.Regexp
	build func(group func(int) string) (time.Time, bool)
}

// The patterns start with the date's first character in group 1, so that
// boundary can look at what precedes it.
var dateForms = []dateForm{
	{regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?: ?(Z|[+-]\d{2}:?\d{2}))?`),
		func(g func(int) string) (time.Time, bool) {
			return civil(g(1), g(2), g(3), g(4), g(5), g(6), g(7))
		}},
	{regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})`),
		func(g func(int) string) (time.Time, bool) { return civil(g(1), g(2), g(3), "", "", "", "") }},
	{regexp.MustCompile(`(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,? (\d{1,2}):(\d{2}))?`),
		func(g func(int) string) (time.Time, bool) { return civil(g(3), g(2), g(1), g(4), g(5), "", "") }},
	{regexp.MustCompile(`(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日(?: ?(\d{1,2}):(\d{2}))?`),
		func(g func(int) string) (time.Time, bool) { return civil(g(1), g(2), g(3), g(4), g(5), "", "") }},
	{regexp.MustCompile(`(\d{1,2})\.? (\p{L}+)\.?,? (\d{4})(?: ?г\.| года)?(?:,? (\d{1,2}):(\d{2}))?`),
		func(g func(int) string) (time.Time, bool) { return named(g(3), g(2), g(1), g(4), g(5)) }},
	{regexp.MustCompile(`(\p{L}+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})(?:,? (\d{1,2}):(\d{2}))?`),
		func(g func(int) string) (time.Time, bool) { return named(g(3), g(1), g(2), g(4), g(5)) }},
}

// boundary reports a match that stands alone: not glued to a letter or
// digit before it, nor to a digit after it ("12.11.20245" is no date).
func boundary(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// named builds a date whose month is a word.
func named(year, month, day, hour, minute string) (time.Time, bool) {
	m, ok := months[strings.ToLower(month)]
	if !ok {
		return time.Time{}, false
	}
	return civil(year, strconv.Itoa(m), day, hour, minute, "", "")
}

// civil builds a date from its parts, refusing what is not a real date
// (the 31st of November, the 25th hour) or too far from now to be one.
func civil(year, month, day, hour, minute, second, zone string) (time.Time, bool) {
	y, _ := strconv.Atoi(year)
	mo, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	h, _ := strconv.Atoi(hour)
	mi, _ := strconv.Atoi(minute)
	s, _ := strconv.Atoi(second)
	if y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, false
	}
	loc := time.UTC
	if zone != "" && zone != "Z" {
		z, err := time.Parse("-07:00", zone[:3]+":"+strings.TrimPrefix(zone[3:], ":"))
		if err != nil {
			return time.Time{}, false
		}
		_, off := z.Zone()
		loc = time.FixedZone("", off)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, min(s, 59), 0, loc)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// unixTime reads a text made only of digits as a Unix time: 9 or 10 digits
// are seconds, 12 or 13 milliseconds (data-* attributes often carry them).
func unixTime(s string) (time.Time, bool) {
	for _, r := range s {
		if r < '0' || r > '9' {
			return time.Time{}, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	switch len(s) {
	case 9, 10:
		return time.Unix(n, 0).UTC(), true
	case 12, 13:
		return time.UnixMilli(n).UTC(), true
	}
	return time.Time{}, false
}

// months maps month names, lower case, to their numbers: English names and
// abbreviations; Russian in the genitive that dates use, the nominative and
// abbreviations; Belarusian and Ukrainian genitives.
var months = func() map[string]int {
	m := map[string]int{}
	for i, names := range [12]string{
		"january jan январь января янв студзеня січня",
		"february feb февраль февраля фев февр лютага лютого",
		"march mar март марта мар сакавіка березня",
		"april apr апрель апреля апр красавіка квітня",
		"may май мая травня",
		"june jun июнь июня июн чэрвеня червня",
		"july jul июль июля июл ліпеня липня",
		"august aug август августа авг жніўня серпня",
		"september sep sept сентябрь сентября сен сент верасня вересня",
		"october oct октябрь октября окт кастрычніка жовтня",
		"november nov ноябрь ноября ноя нояб лістапада листопада",
		"december dec декабрь декабря дек снежня грудня",
	} {
		for n := range strings.FieldsSeq(names) {
			m[n] = i + 1
		}
	}
	return m
}()
