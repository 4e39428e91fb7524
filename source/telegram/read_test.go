package telegram

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func readFixture(t *testing.T, name, pageURL string) (*Page, error) {
	t.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return Read(body, mustURL(t, pageURL))
}

func TestPagesWithoutMessages(t *testing.T) {
	tests := []struct {
		name, file, url string
		wantUnavailable bool
		wantNotPreview  bool
		wantInError     string
	}{
		{"a redirect to the invitation page is an unavailable preview", "landing.html", "https://t.me/SomeClosedChannel", true, false, "invitation page"},
		{"an invitation page served at a mirror is an unavailable preview", "landing.html", "https://mirror.example/s/SomeClosedChannel", true, false, "Закрытый канал"},
		{"a blocked channel is an unavailable preview that quotes the notice", "blocked.html", "https://t.me/s/BlockedChannel", true, false, "violated local laws"},
		{"a page that is no preview at all says so with its title", "not_a_preview.html", "https://t.me/s/MID_Russia", false, true, `"Just a moment..."`},
		{"an unknown page at a t.me address other than /s/ is an unavailable preview", "not_a_preview.html", "https://t.me/MID_Russia", true, false, "invitation page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := readFixture(t, tt.file, tt.url)
			if err == nil {
				t.Fatalf("got a page of %d messages, want an error", len(page.Messages))
			}
			if got := errors.Is(err, ErrPreviewUnavailable); got != tt.wantUnavailable {
				t.Errorf("errors.Is(err, ErrPreviewUnavailable) = %v for %v", got, err)
			}
			if got := errors.Is(err, ErrNotAPreview); got != tt.wantNotPreview {
				t.Errorf("errors.Is(err, ErrNotAPreview) = %v for %v", got, err)
			}
			if !strings.Contains(err.Error(), tt.wantInError) {
				t.Errorf("got error %q, want it to mention %q", err, tt.wantInError)
			}
			var ue *UnavailableError
			if tt.wantUnavailable && (!errors.As(err, &ue) || ue.URL != tt.url) {
				t.Errorf("got %#v, want an *UnavailableError for %s", ue, tt.url)
			}
		})
	}
}

func TestAChannelWithoutMessagesIsNoError(t *testing.T) {
	page, err := readFixture(t, "empty.html", "https://t.me/s/MID_Russia?before=2")
	if err != nil {
		t.Fatalf("got %v, want an empty page", err)
	}
	if len(page.Messages) != 0 || page.Channel != "MID_Russia" || page.Title != "МИД России" {
		t.Errorf("got %d messages, channel %q, title %q", len(page.Messages), page.Channel, page.Title)
	}
	if next, ok := page.Older(time.Time{}); ok {
		t.Errorf("got an older page %s after a page without messages", next)
	}
}

func TestAnEmptyBodyIsNotAPreview(t *testing.T) {
	_, err := Read([]byte(" \n"), mustURL(t, "https://t.me/s/MID_Russia"))
	if !errors.Is(err, ErrNotAPreview) {
		t.Errorf("got %v, want ErrNotAPreview", err)
	}
}

func TestAnEditIsANewRevisionOfTheSamePost(t *testing.T) {
	first, err := readFixture(t, "channel.html", "https://t.me/s/MID_Russia")
	if err != nil {
		t.Fatal(err)
	}
	later, err := readFixture(t, "channel_later.html", "https://t.me/s/MID_Russia")
	if err != nil {
		t.Fatal(err)
	}
	before, after := find(t, first, "MID_Russia/50106"), find(t, later, "MID_Russia/50106")
	if !before.Edited || !after.Edited {
		t.Error("the edited mark was not seen")
	}
	if before.Revision == after.Revision {
		t.Errorf("got revision %s for two texts:\n%q\n%q", before.Revision, before.Text, after.Text)
	}
	if first.Items("f", "ru", testNow)[4].Key != later.Items("f", "ru", testNow)[0].Key {
		t.Error("an edit changed the item's key")
	}
	// The same markup read twice is the same revision: views and the edit
	// mark are not part of it.
	again, _ := readFixture(t, "channel.html", "https://t.me/s/MID_Russia")
	for i, m := range first.Messages {
		if again.Messages[i].Revision != m.Revision {
			t.Errorf("message %s: revision changed between two reads", m.Post)
		}
	}
	if find(t, first, "MID_Russia/50101").Edited {
		t.Error("a message without the mark was taken as edited")
	}
}

func find(t *testing.T, p *Page, post string) Message {
	t.Helper()
	for _, m := range p.Messages {
		if m.Post == post {
			return m
		}
	}
	t.Fatalf("no message %s", post)
	return Message{}
}

func TestServiceMessagesAreNoItems(t *testing.T) {
	page, err := readFixture(t, "channel.html", "https://t.me/s/MID_Russia")
	if err != nil {
		t.Fatal(err)
	}
	if !find(t, page, "MID_Russia/50105").Service {
		t.Fatal("the service message was not recognised")
	}
	for _, it := range page.Items("f", "ru", testNow) {
		if it.Key == "MID_Russia/50105" {
			t.Error("a service message became an item")
		}
	}
}

func TestMessagesComeOldestFirstAndLinksResolveAgainstTheMirror(t *testing.T) {
	doc := `<html><body><section class="tgme_channel_history">
<div class="tgme_widget_message" data-post="chan/12"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">twelve <a href="/chan?q=%23tag">#tag</a></div>
<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="/chan/12"><time datetime="2026-09-02T10:00:00+00:00">x</time></a></span></div></div>
<div class="tgme_widget_message" data-post="chan/9"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">nine</div>
<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="javascript:void(0)"><time datetime="not a date">x</time></a></span></div></div>
</section></body></html>`
	page, err := Read([]byte(doc), mustURL(t, "https://mirror.example/s/chan"))
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 2 || page.Messages[0].ID != 9 || page.Messages[1].ID != 12 {
		t.Fatalf("got messages %+v, want 9 then 12", page.Messages)
	}
	if got := page.Messages[1].Link; got != "https://mirror.example/chan/12" {
		t.Errorf("got link %q, want it resolved against the mirror", got)
	}
	if got := page.Messages[0].Link; got != "https://t.me/chan/9" {
		t.Errorf("got link %q for a javascript: permalink, want the canonical one", got)
	}
	items := page.Items("f", "", testNow)
	if !items[0].DateMissing || !items[0].Published.Equal(testNow) {
		t.Errorf("an unparsable date gave %v, missing=%v", items[0].Published, items[0].DateMissing)
	}
	if items[1].DateMissing || items[1].Published != time.Date(2026, 9, 2, 10, 0, 0, 0, time.UTC) {
		t.Errorf("got %v", items[1].Published)
	}
	if len(items[1].Categories) != 1 || items[1].Categories[0] != "tag" {
		t.Errorf("got categories %q", items[1].Categories)
	}
}

func TestAReplyQuoteIsNotTheMessagesTextEvenWithoutABubble(t *testing.T) {
	doc := `<div class="tgme_widget_message" data-post="chan/5">
<a class="tgme_widget_message_reply" href="https://t.me/chan/4"><span class="tgme_widget_message_author_name">chan</span>
<div class="tgme_widget_message_text js-message_reply_text">the quoted message</div></a>
<div class="tgme_widget_message_text js-message_text">the answer</div>
<a class="tgme_widget_message_date" href="https://t.me/chan/5"><time datetime="2026-09-01T00:00:00+00:00">x</time></a></div>`
	page, err := Read([]byte(doc), mustURL(t, "https://t.me/s/chan"))
	if err != nil {
		t.Fatal(err)
	}
	m := page.Messages[0]
	if m.Text != "the answer" || m.Reply == nil || m.Reply.Text != "the quoted message" {
		t.Errorf("got text %q, reply %+v", m.Text, m.Reply)
	}
	if m.Link != "https://t.me/chan/5" || m.Reply.Link != "https://t.me/chan/4" {
		t.Errorf("got link %q, reply link %q", m.Link, m.Reply.Link)
	}
}

func TestTextIsEscapedForFieldsThatMayHoldHTML(t *testing.T) {
	doc := `<div class="tgme_widget_message" data-post="chan/1"><div class="tgme_widget_message_bubble">
<div class="tgme_widget_message_text">a &lt;b&gt; &amp;amp; c</div></div></div>`
	page, err := Read([]byte(doc), mustURL(t, "https://t.me/s/chan"))
	if err != nil {
		t.Fatal(err)
	}
	if got := page.Messages[0].Text; got != "a <b> &amp; c" {
		t.Errorf("got text %q", got)
	}
	it := page.Items("f", "", testNow)[0]
	if it.Summary != "a &lt;b&gt; &amp;amp; c" || it.Title != "a <b> &amp; c" {
		t.Errorf("got title %q, summary %q", it.Title, it.Summary)
	}
}

func TestFirstLine(t *testing.T) {
	long := strings.Repeat("слово ", 60)
	got := firstLine(long, 40)
	if n := len([]rune(got)); n > 40 || !strings.HasSuffix(got, "слово…") {
		t.Errorf("got %q (%d runes), want at most 40 runes cut after a word", got, n)
	}
	if got := firstLine("  one\ntwo", 40); got != "one" {
		t.Errorf("got %q", got)
	}
}
