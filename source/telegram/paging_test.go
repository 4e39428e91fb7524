package telegram

import (
	"testing"
	"time"
)

func TestOlder(t *testing.T) {
	page, err := readFixture(t, "channel.html", "https://t.me/s/MID_Russia")
	if err != nil {
		t.Fatal(err)
	}
	oldest := page.Messages[0].Date // 2026-09-14T09:05:12Z
	tests := []struct {
		name    string
		pageURL string
		since   time.Time
		want    string
	}{
		{"a window that starts before the oldest message pages back from it", "https://t.me/s/MID_Russia", oldest.Add(-24 * time.Hour), "https://t.me/s/MID_Russia?before=50101"},
		{"a window that the page covers stops", "https://t.me/s/MID_Russia", oldest, ""},
		{"a window that starts after the oldest message stops", "https://t.me/s/MID_Russia", oldest.Add(time.Hour), ""},
		{"paging goes on from an older page, dropping after=", "https://t.me/s/MID_Russia?before=50200&after=1", time.Time{}, "https://t.me/s/MID_Russia?before=50101"},
		{"a mirror that ignores before= is not read forever", "https://mirror.example/s/MID_Russia?before=50101", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := *page
			p.URL = mustURL(t, tt.pageURL)
			next, ok := p.Older(tt.since)
			got := ""
			if ok {
				got = next.String()
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOlderStopsAtTheChannelsFirstMessage(t *testing.T) {
	doc := `<div class="tgme_widget_message" data-post="chan/1"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">first</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/1"><time datetime="2026-01-01T00:00:00+00:00">x</time></a></div></div>`
	page, err := Read([]byte(doc), mustURL(t, "https://t.me/s/chan"))
	if err != nil {
		t.Fatal(err)
	}
	if next, ok := page.Older(time.Time{}); ok {
		t.Errorf("got %s before the first message", next)
	}
}

func TestSpec(t *testing.T) {
	if err := (Spec{}).Validate(); err != nil {
		t.Errorf("the zero spec: %v", err)
	}
	if got := (Spec{}).Pages(); got != DefaultMaxPages {
		t.Errorf("got %d pages by default", got)
	}
	for _, n := range []int{-1, maxMaxPages + 1} {
		err := Spec{MaxPages: n}.Validate()
		var p *Problem
		if err == nil || !asProblem(err, &p) || p.Key != "max_pages" {
			t.Errorf("max_pages %d: got %v, want a problem with max_pages", n, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct{ in, channel, wantErr string }{
		{"https://t.me/s/MID_Russia", "MID_Russia", ""},
		{"https://telegram.me/s/MFARussia/", "MFARussia", ""},
		{"https://t.me/MID_Russia", "", "https://t.me/s/MID_Russia"},
		{"https://t.me/s/ab", "", "not a public channel name"},
		{"https://t.me/joinchat/abc", "", "write https://t.me/s/CHANNEL"},
		{"ftp://t.me/s/MID_Russia", "", "read over http(s)"},
		{"https://mirror.example/tg/MID_Russia", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ch, err := CheckURL(tt.in)
			if ch != tt.channel {
				t.Errorf("got channel %q, want %q", ch, tt.channel)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v", err)
			case tt.wantErr != "" && (err == nil || !contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error that says %q", err, tt.wantErr)
			}
		})
	}
}
