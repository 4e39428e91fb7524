package adaptive

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // the ministries' zones, whatever the machine has

	"github.com/attache-dev/attache/internal/corpus"
)

// A trace is one source's publication times: when each item appeared.
// The simulation polls from Start to End and counts what it detects after
// Measure; the items before Start are what its first read finds.
type trace struct {
	Name    string
	Group   string // "ministry", "kremlin-feed", "kremlin-speeches"
	Loc     *time.Location
	Start   time.Time
	Measure time.Time
	End     time.Time
	Items   []time.Time // sorted
}

// corpusDir is the corpus folder (shared/corpus beside the module), or ""
// when it is absent.
var corpusDir = corpus.Dir()

// ministry describes a generated ministry.
type ministry struct {
	name     string
	zone     string
	perDay   float64        // items on an ordinary working day
	briefing []time.Weekday // days with a briefing, whose transcript and statements come in a burst
	at       float64        // briefing hour, local
}

// ministries are generated with a fixed seed: office hours in six capitals,
// 3 to 30 items a working day, briefing-day bursts and quiet weekends.
var ministries = []ministry{
	{"minsk-mfa", "Europe/Minsk", 4, []time.Weekday{time.Thursday}, 11},
	{"minsk-president", "Europe/Minsk", 12, nil, 0},
	{"belta", "Europe/Minsk", 30, []time.Weekday{time.Tuesday}, 12},
	{"moscow-mfa", "Europe/Moscow", 20, []time.Weekday{time.Wednesday}, 11},
	{"moscow-mfa-en", "Europe/Moscow", 8, []time.Weekday{time.Wednesday}, 11},
	{"kremlin-news", "Europe/Moscow", 7, nil, 0},
	{"warsaw-mfa", "Europe/Warsaw", 5, []time.Weekday{time.Tuesday}, 12},
	{"warsaw-mfa-en", "Europe/Warsaw", 3, nil, 0},
	{"warsaw-pm", "Europe/Warsaw", 9, []time.Weekday{time.Monday, time.Thursday}, 10},
	{"vilnius-mfa", "Europe/Vilnius", 4, nil, 0},
	{"vilnius-gov", "Europe/Vilnius", 6, []time.Weekday{time.Wednesday}, 13},
	{"vilnius-mfa-lt", "Europe/Vilnius", 5, []time.Weekday{time.Friday}, 11},
	{"state-press", "America/New_York", 15, []time.Weekday{time.Monday, time.Tuesday, time.Thursday}, 13.5},
	{"state-briefings", "America/New_York", 3, []time.Weekday{time.Monday, time.Tuesday, time.Thursday}, 13.5},
	{"state-europe", "America/New_York", 6, nil, 0},
	{"beijing-mfa", "Asia/Shanghai", 10, []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 15},
	{"beijing-mfa-en", "Asia/Shanghai", 6, []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, 15.5},
	{"beijing-leaders", "Asia/Shanghai", 4, nil, 0},
}

// simWeeks is how long a generated or weekly-replayed source is simulated
// after its first read, warmUp how much of that is not measured: every
// scheduler is measured on the same window, once the adaptive one has seen
// a month of the source.
const (
	simWeeks = 12
	warmUp   = 4 * 7 * 24 * time.Hour
	history  = 14 * 24 * time.Hour // what the first read finds
)

var simStart = time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC) // a Monday

// generate makes a ministry's trace. Working days bring Poisson-many
// releases in office hours (with a lunch dip, some evening and a little
// night work); a release is one item or a few minutes apart; briefing days
// add a burst of 4 to 10 items from an hour after the briefing; weekends
// bring a tenth of a working day.
func generate(m ministry, rng *rand.Rand) trace {
	loc, err := time.LoadLocation(m.zone)
	if err != nil {
		panic(err)
	}
	tr := trace{Name: m.name, Group: "ministry", Loc: loc, Start: simStart, Measure: simStart.Add(warmUp), End: simStart.Add(simWeeks * 7 * 24 * time.Hour)}
	first := simStart.Add(-history).In(loc)
	day0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	for d := day0; d.Before(tr.End); d = d.AddDate(0, 0, 1) {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		mean := m.perDay / 1.5 // releases hold 1.5 items on average
		if weekend {
			mean *= 0.1
		}
		for range poisson(rng, mean) {
			at := d.Add(time.Duration(officeHour(rng, weekend) * float64(time.Hour)))
			for k := 0; ; k++ {
				tr.Items = append(tr.Items, at)
				if rng.Float64() > 1.0/3 || k > 6 {
					break
				}
				at = at.Add(time.Duration(rng.ExpFloat64() * 4 * float64(time.Minute)))
			}
		}
		if !weekend && slices.Contains(m.briefing, d.Weekday()) {
			at := d.Add(time.Duration((m.at + 0.5 + rng.Float64()) * float64(time.Hour)))
			for range 4 + rng.IntN(7) {
				tr.Items = append(tr.Items, at)
				at = at.Add(time.Duration((2 + rng.Float64()*8) * float64(time.Minute)))
			}
		}
	}
	return tr.sorted()
}

// officeHour draws an hour of the day: mostly 9 to 18 with a lunch dip,
// some 18 to 22, a little at night; on weekends, any time of day.
func officeHour(rng *rand.Rand, weekend bool) float64 {
	switch u := rng.Float64(); {
	case weekend:
		return 8 + rng.Float64()*14
	case u < 0.02:
		return math.Mod(22+rng.Float64()*11, 24)
	case u < 0.10:
		return 18 + rng.Float64()*4
	default:
		for {
			h := 9 + rng.Float64()*9
			if h < 13 || h >= 14 || rng.Float64() < 0.4 {
				return h
			}
		}
	}
}

// poisson draws from a Poisson distribution (Knuth's method; means are small).
func poisson(rng *rand.Rand, mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// kremlinCapture reads the publication times of the Kremlin's Atom capture.
func kremlinCapture() ([]time.Time, error) {
	b, err := os.ReadFile(filepath.Join(corpusDir, "feeds", "kremlin-en-all-2018-01-07.atom.xml"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Entries []struct {
			Published string `xml:"published"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []time.Time
	for _, e := range doc.Entries {
		t, err := time.Parse(time.RFC3339, e.Published)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// kremlinWeekly replays the capture's items at the same weekday and time
// of day (its own clock) every week, each item kept with probability 0.7
// and moved by up to ±10 minutes: the capture's real rhythm, held long
// enough to learn and measure.
func kremlinWeekly(capture []time.Time, rng *rand.Rand) trace {
	loc := time.FixedZone("capture", 4*3600)
	tr := trace{Name: "kremlin-feed", Group: "kremlin-feed", Loc: loc, Start: simStart, Measure: simStart.Add(warmUp), End: simStart.Add(simWeeks * 7 * 24 * time.Hour)}
	monday := simStart.Add(-history)
	for w := monday; w.Before(tr.End); w = w.AddDate(0, 0, 7) {
		for _, c := range capture {
			if rng.Float64() > 0.7 {
				continue
			}
			c = c.In(loc)
			off := time.Duration((int(c.Weekday())+6)%7)*24*time.Hour + time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute
			at := time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, loc).Add(off)
			tr.Items = append(tr.Items, at.Add(time.Duration((rng.Float64()*20-10)*float64(time.Minute))))
		}
	}
	return tr.sorted()
}

// kremlinSpeeches makes one source per year of the speeches collection with
// at least minItems items: the real dates, each at a time of day drawn from
// the capture's (the collection gives days only), simulated over that year.
func kremlinSpeeches(capture []time.Time, rng *rand.Rand, minItems int) ([]trace, error) {
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return nil, err
	}
	var out []trace
	for year := 2000; year <= 2025; year++ {
		b, err := os.ReadFile(filepath.Join(corpusDir, "news", "kremlin_speeches", strconv.Itoa(year)+".json"))
		if err != nil {
			return nil, err
		}
		var rows []struct {
			D string `json:"d"`
		}
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, err
		}
		if len(rows) < minItems {
			continue
		}
		start := time.Date(year, 1, 1, 0, 0, 0, 0, loc).Add(history)
		tr := trace{Name: "kremlin-speeches-" + strconv.Itoa(year), Group: "kremlin-speeches", Loc: loc,
			Start: start, Measure: start.Add(warmUp), End: time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)}
		for _, r := range rows {
			d, err := time.ParseInLocation("2006-01-02", r.D, loc)
			if err != nil {
				return nil, err
			}
			c := capture[rng.IntN(len(capture))].In(time.FixedZone("capture", 4*3600))
			tod := time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute
			tr.Items = append(tr.Items, d.Add(tod+time.Duration(rng.Float64()*30*float64(time.Minute))))
		}
		out = append(out, tr.sorted())
	}
	return out, nil
}

func (tr trace) sorted() trace {
	slices.SortFunc(tr.Items, func(a, b time.Time) int { return a.Compare(b) })
	return tr
}

// traces are the benchmark's sources: the generated ministries, and when
// the corpus is present the Kremlin capture replayed weekly and the Kremlin
// speeches by year. withCorpus says whether the corpus was found.
func traces(tb testing.TB) (out []trace, withCorpus bool) {
	rng := rand.New(rand.NewPCG(13, 2026))
	for _, m := range ministries {
		out = append(out, generate(m, rng))
	}
	if corpusDir == "" {
		return out, false
	}
	capture, err := kremlinCapture()
	if os.IsNotExist(err) {
		return out, false
	}
	if err != nil {
		tb.Fatal(err)
	}
	out = append(out, kremlinWeekly(capture, rng))
	speeches, err := kremlinSpeeches(capture, rng, 56)
	if os.IsNotExist(err) {
		return out, false
	}
	if err != nil {
		tb.Fatal(err)
	}
	return append(out, speeches...), true
}
