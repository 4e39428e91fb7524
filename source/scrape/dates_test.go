package scrape

import (
	"strings"
	"testing"
	"time"
)

func TestMinistryDatesAreReadInEveryUsualForm(t *testing.T) {
	nov2 := time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return nov2.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	tests := []struct {
		name, text string
		want       time.Time
	}{
		{"day and month with leading zeros, dotted", "02.11.2024", nov2},
		{"a one-digit day, dotted", "2.11.2024", nov2},
		{"dotted with a time", "02.11.2024 14:30", at(14, 30)},
		{"dotted with a comma before the time", "02.11.2024, 14:30", at(14, 30)},
		{"day, English month, year", "2 November 2024", nov2},
		{"an abbreviated month with a dot", "2 Nov. 2024", nov2},
		{"a German-style dot after the day", "2. November 2024", nov2},
		{"English month first, with a comma", "November 2, 2024", nov2},
		{"month first with an ordinal", "Nov 2nd, 2024", nov2},
		{"month names in any case", "2 NOVEMBER 2024", nov2},
		{"a Russian genitive", "2 ноября 2024", nov2},
		{"a Russian genitive with г. and a time", "2 ноября 2024 г., 14:30", at(14, 30)},
		{"a Russian genitive with года", "2 ноября 2024 года", nov2},
		{"a Belarusian genitive", "2 лістапада 2024", nov2},
		{"a Ukrainian genitive", "2 листопада 2024", nov2},
		{"Chinese year, month and day", "2024年11月2日", nov2},
		{"Chinese with spaces and a time", "2024 年 11 月 2 日 09:15", at(9, 15)},
		{"ISO date", "2024-11-02", nov2},
		{"ISO date and time without a zone", "2024-11-02 14:30", at(14, 30)},
		{"RFC 3339 in UTC", "2024-11-02T14:30:00Z", at(14, 30)},
		{"RFC 3339 with an offset, stored in UTC", "2024-11-02T14:30:00+03:00", at(11, 30)},
		{"an offset without a colon", "2024-11-02T14:30:00+0300", at(11, 30)},
		{"fractional seconds", "2024-11-02T14:30:00.123Z", at(14, 30)},
		{"Unix seconds", "1730505600", nov2},
		{"Unix milliseconds", "1730505600000", nov2},
		{"a date inside other words", "Minsk, 02.11.2024. Press release", nov2},
		{"a date after the place, as statements sign off", "Published on November 2, 2024, Minsk", nov2},
		{"no-break spaces", "2\u00a0ноября\u00a02024", nov2},
		{"the earliest of two dates", "2 November 2024 (updated 05.11.2024)", nov2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseDate(tt.text, "")
			if !ok || !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.text, got, ok, tt.want)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) is in %v, want UTC", tt.text, got.Location())
			}
		})
	}
}

func TestWhatIsNotADateGivesNone(t *testing.T) {
	for _, text := range []string{
		"", "   ", "Statement of the Ministry", "31.11.2024", "2 Smarch 2024", "12.11.20245",
		"version 1.2.3", "2024-13-01", "Room 2, 2024 seats", "A12.11.2024", "12345",
		"25.12.1969", "02.11.24",
	} {
		if got, ok := ParseDate(text, ""); ok {
			t.Errorf("ParseDate(%q) = %v, want no date", text, got)
		}
	}
}

func TestADateFormatIsAGoLayout(t *testing.T) {
	tests := []struct {
		text, layout string
		want         time.Time
		ok           bool
	}{
		{"11/02/2024", "01/02/2006", time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC), true},
		{" 02-11-2024 ", "02-01-2006", time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC), true},
		{"Sat, 2 Nov 2024 14:30", "Mon, 2 Jan 2006 15:04", time.Date(2024, 11, 2, 14, 30, 0, 0, time.UTC), true},
		{"2 ноября 2024", "2 January 2006", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.text, tt.layout)
		if ok != tt.ok || (ok && !got.Equal(tt.want)) {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %v, %v", tt.text, tt.layout, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCheckLayoutRefusesStrftimeAndIncompleteLayouts(t *testing.T) {
	for _, good := range []string{"02.01.2006", "January 2, 2006", "2006-01-02T15:04:05Z07:00", "2 Jan 2006 15:04"} {
		if err := CheckLayout(good); err != nil {
			t.Errorf("CheckLayout(%q) = %v, want nil", good, err)
		}
	}
	for _, bad := range []string{"%d.%m.%Y", "02.01", "dd.mm.yyyy", "15:04"} {
		err := CheckLayout(bad)
		if err == nil {
			t.Errorf("CheckLayout(%q) = nil, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "02.01.2006") {
			t.Errorf("CheckLayout(%q) = %v: want an example of a layout", bad, err)
		}
	}
	if err := CheckLayout("%d.%m.%Y"); !strings.Contains(err.Error(), "strftime") {
		t.Errorf("CheckLayout of a strftime pattern = %v: want it named", err)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"02.11.2024", "2 ноября 2024 г., 14:30", "2024年11月2日", "2024-11-02T14:30:00+03:00", "November 2, 2024", "1730505600"} {
		f.Add(s, "")
	}
	f.Add("02.11.2024", "02.01.2006")
	f.Fuzz(func(t *testing.T, text, layout string) {
		got, ok := ParseDate(text, layout)
		if ok && layout == "" && (got.Year() < 1970 || got.Location() != time.UTC) {
			t.Fatalf("ParseDate(%q) = %v: out of range or not UTC", text, got)
		}
	})
}
