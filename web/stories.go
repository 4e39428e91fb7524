package web

import "time"

// Story is a story of several reports, for the status page.
type Story struct {
	ID      string
	Opened  time.Time
	Reports []StoryReport
}

// StoryReport is one report of a story: its source, language and title,
// and why it was taken for the same story (empty for the first).
type StoryReport struct {
	Source, Lang, Title, Link, Why string
	Published                      time.Time
}

type storyRow struct {
	ID      string
	Opened  stamp
	Reports []storyReportRow
}

type storyReportRow struct {
	Source, Lang, Title, Link, Why string
}

func (s *server) storyRows(stories []Story, now time.Time) []storyRow {
	rows := make([]storyRow, 0, len(stories))
	for _, st := range stories {
		r := storyRow{ID: st.ID, Opened: s.stamp(st.Opened, now)}
		for _, rep := range st.Reports {
			r.Reports = append(r.Reports, storyReportRow{Source: rep.Source, Lang: rep.Lang, Title: rep.Title, Link: safeLink(rep.Link), Why: rep.Why})
		}
		rows = append(rows, r)
	}
	return rows
}
