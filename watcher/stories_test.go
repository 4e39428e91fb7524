package watcher

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
	"github.com/attache-dev/attache/story"
)

// storyRSS is a one-item feed with a description.
func storyRSS(guid, link string, date time.Time, title, desc string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link>`+
		`<item><guid>%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item></channel></rss>`,
		guid, title, link, date.Format(time.RFC1123Z), desc)
}

// TestTwoSourcesOfOneStoryMakeOneAlertAndAFollowUp: the ministry and an
// agency report the same statement under different links; the first is
// the story's alert, the second (in Russian) its follow-up, under the
// first's message. A restart (a new stage reloaded from the store) keeps
// the story open for a third report.
func TestTwoSourcesOfOneStoryMakeOneAlertAndAFollowUp(t *testing.T) {
	ctx := context.Background()
	fx := newPollFixture(t, 0, rules.Rule{Name: "nato", Query: "NATO OR НАТО"})
	stage, err := NewStories(story.Config{}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx.p.stories = stage
	mfa, agency := &feedServer{}, &feedServer{}
	mfa.set(rss())
	agency.set(rss())
	tm, ta := serve(t, mfa.handler), serve(t, agency.handler)
	feeds := []attache.Feed{{Name: "mfa-by", URL: tm.URL}, {Name: "belta-en", URL: ta.URL}}
	fx.p.PollAll(ctx, feeds, 2)

	mfa.set(storyRSS("m1", "https://mfa.gov.by/en/press/news/1", testNow.Add(-time.Hour),
		"Ryzhenkov: Minsk concerned about growing NATO activity on CSTO western borders",
		"Minsk is concerned about the intensification of activities of NATO member states on the CSTO western borders, Belarusian Foreign Minister Maxim Ryzhenkov said at a meeting of the CSTO Council of Foreign Ministers in Almaty on 3 June. The ministers adopted six statements."))
	fx.p.Poll(ctx, feeds[0])
	agency.set(storyRSS("b1", "https://www.belta.by/politics/view/2", testNow.Add(-50*time.Minute),
		"Рыженков: Минск обеспокоен наращиванием активности НАТО у западных границ ОДКБ",
		"Беларусь обеспокоена активизацией деятельности стран — членов НАТО у западных границ ОДКБ. Об этом заявил министр иностранных дел Беларуси Максим Рыженков на заседании Совета министров иностранных дел ОДКБ в Алматы 3 июня. По итогам заседания министры приняли шесть заявлений."))
	fx.p.Poll(ctx, feeds[1])

	got := fx.queued(t)
	if len(got) != 2 {
		t.Fatalf("queued %d alerts, want the ministry's and the agency's", len(got))
	}
	var first, follow attache.Alert
	for _, a := range got {
		if a.Item.Feed == "mfa-by" {
			first = a
		} else {
			follow = a
		}
	}
	if first.Thread != nil {
		t.Errorf("the story's first alert has a thread: %+v", first.Thread)
	}
	if follow.Thread == nil || follow.Thread.Parent != first.ID || follow.Thread.Why == "" {
		t.Fatalf("the agency's alert %+v: want a follow-up of %s with its reason", follow.Thread, first.ID)
	}

	// A restart: the stage reloads the story from the store.
	kept, err := fx.store.Stories(ctx, testNow.Add(-48*time.Hour))
	if err != nil || len(kept) != 1 {
		t.Fatalf("stories kept: %d, %v; want the one story", len(kept), err)
	}
	fx.p.stories, err = NewStories(story.Config{}, nil, nil, kept)
	if err != nil {
		t.Fatal(err)
	}
	mfa.set(storyRSS("m2", "https://mfa.gov.by/en/press/news/3", testNow.Add(-40*time.Minute),
		"Foreign Minister Maxim Ryzhenkov takes part in the CSTO Council of Foreign Ministers meeting",
		"On June 3 Minister of Foreign Affairs of Belarus Maxim Ryzhenkov took part in the meeting of the Council of Foreign Ministers of the CSTO in Almaty and expressed concern about the intensification of activities of NATO member states on the CSTO western borders. The Council adopted six statements."))
	fx.p.Poll(ctx, feeds[0])
	all := fx.queued(t)
	if len(all) != 3 {
		t.Fatalf("queued %d alerts, want 3", len(all))
	}
	for _, a := range all {
		if a.Item.Key == "m2" && (a.Thread == nil || a.Thread.Parent != first.ID) {
			t.Errorf("after a restart the third report is %+v, want a follow-up of %s", a.Thread, first.ID)
		}
	}
}
