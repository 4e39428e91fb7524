package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestOneStoryFromTwoSourcesIsOneMessageAndAReply: the agency reports in
// English and the ministry's Russian channel the same statement, under
// different links; Slack gets one alert, and the second report as one line
// in its thread. A destination with group_by: item gets both as alerts.
// (After a restart the first message is found in the channel's history:
// notify/slack's TestAFollowUpGoesIntoItsStorysThread.)
func TestOneStoryFromTwoSourcesIsOneMessageAndAReply(t *testing.T) {
	t.Parallel()
	for _, groupBy := range []string{"story", "item"} {
		t.Run(groupBy, func(t *testing.T) {
			s := newSite(t, 20)
			cfg := configText(s.url, s.slack.url(), 20, nil)
			cfg = strings.Replace(cfg, "feeds:\n  - {name: news, url: \""+s.url+"/news\"}\n",
				"feeds:\n  - {name: news, url: \""+s.url+"/news\"}\n  - {name: belta-ru, url: \""+s.url+"/ru\", lang: ru}\n", 1)
			cfg = strings.Replace(cfg, "    burst_limit: 20\n", "    burst_limit: 20\n    group_by: "+groupBy+"\n", 1)
			s.writeConfig(cfg)
			s.feeds.set("ru", entry{GUID: "old-ru", Title: "Погода", Link: "https://example.org/ru/old"})
			s.baseline()

			en := entry{GUID: "en-1", Link: "https://eng.belta.by/politics/view/1", Date: time.Now().Add(-time.Hour).Format(time.RFC1123Z),
				Title: "Ryzhenkov: Minsk concerned about growing NATO activity on CSTO western borders",
				Desc:  "Minsk is concerned about the intensification of activities of NATO member states on the CSTO western borders, Belarusian Foreign Minister Maxim Ryzhenkov said at a meeting of the CSTO Council of Foreign Ministers in Almaty on 3 June. The ministers adopted six statements."}
			ru := entry{GUID: "ru-1", Link: "https://www.belta.by/politics/view/2", Date: time.Now().Add(-50 * time.Minute).Format(time.RFC1123Z),
				Title: "Рыженков: Минск обеспокоен наращиванием активности НАТО у западных границ ОДКБ",
				Desc:  "Беларусь обеспокоена активизацией деятельности стран — членов НАТО у западных границ ОДКБ. Об этом заявил министр иностранных дел Беларуси Максим Рыженков на заседании Совета министров иностранных дел ОДКБ в Алматы 3 июня. По итогам заседания министры приняли шесть заявлений."}
			d, base := s.startListening()
			s.feeds.set("news", en, entry{GUID: "old", Title: "Weather", Link: "https://example.org/old"})
			eventually(t, 20*time.Second, "the first report's alert", func() bool { return s.slack.count() == 1 })
			s.feeds.set("ru", ru, entry{GUID: "old-ru", Title: "Погода", Link: "https://example.org/ru/old"})
			eventually(t, 20*time.Second, "the second report", func() bool { return s.slack.count() == 2 })
			if groupBy == "story" {
				// The update follows the reply's post.
				eventually(t, 10*time.Second, "the first message updated to name belta-ru", func() bool {
					s.slack.mu.Lock()
					defer s.slack.mu.Unlock()
					return len(s.slack.updates) == 1 && strings.Contains(s.slack.updates[0], "Also reported by belta-ru")
				})
			}
			_, page := get(t, base+"/")
			if shown := strings.Contains(page, `id="stories"`) && strings.Contains(page, "same story:"); groupBy == "story" && !shown {
				t.Errorf("the status page does not show the story")
			}
			d.stop(t)

			msgs := s.slack.all()
			if len(msgs) != 2 {
				t.Fatalf("%d messages, want 2: %q", len(msgs), s.slack.messages())
			}
			if msgs[0].ThreadTS != "" || !strings.Contains(msgs[0].Text, "Ryzhenkov") {
				t.Errorf("first message %q in thread %q: want the English report as an alert", msgs[0].Text, msgs[0].ThreadTS)
			}
			reply := msgs[1].ThreadTS == "1.000" && strings.HasPrefix(msgs[1].Text, "Also reported:")
			if groupBy == "story" && !reply {
				t.Errorf("second message %q in thread %q: want the Russian report in the first's thread", msgs[1].Text, msgs[1].ThreadTS)
			}
			if groupBy == "item" && (msgs[1].ThreadTS != "" || strings.HasPrefix(msgs[1].Text, "Also reported:")) {
				t.Errorf("group_by item: second message %q in thread %q, want an alert of its own", msgs[1].Text, msgs[1].ThreadTS)
			}
		})
	}
}

// TestTestShowsTheStoriesItWouldForm: `attache test` groups matched items
// of one story and says why; --json gives each match of such a story its
// story's id (and why it joined), still one object per match.
func TestTestShowsTheStoriesItWouldForm(t *testing.T) {
	dir, f := setup(t)
	f.set(
		entry{GUID: "en-1", Link: "https://eng.belta.by/politics/view/1", Date: "Tue, 03 Jun 2025 10:05:00 +0000",
			Title: "Ryzhenkov: Minsk concerned about growing NATO activity on CSTO western borders",
			Desc:  "Minsk is concerned about the intensification of activities of NATO member states on the CSTO western borders, Belarusian Foreign Minister Maxim Ryzhenkov said at a meeting of the CSTO Council of Foreign Ministers in Almaty on 3 June. The ministers adopted six statements."},
		entry{GUID: "ru-1", Link: "https://www.belta.by/politics/view/2", Date: "Tue, 03 Jun 2025 09:48:00 +0000",
			Title: "Рыженков: Минск обеспокоен наращиванием активности НАТО у западных границ ОДКБ",
			Desc:  "Беларусь обеспокоена активизацией деятельности стран — членов НАТО у западных границ ОДКБ. Об этом заявил министр иностранных дел Беларуси Максим Рыженков на заседании Совета министров иностранных дел ОДКБ в Алматы 3 июня."},
		entry{GUID: "other", Link: "https://example.org/other", Date: "Tue, 03 Jun 2025 11:00:00 +0000",
			Title: "NATO air policing over the Baltic, near the western borders of Belarus", Desc: "Fighter jets were scrambled twice this week."},
	)
	r := attache(t, dir, "test")
	if r.code != 0 || !strings.Contains(r.stdout, "STORY ") || !strings.Contains(r.stdout, "2 reports, one alert and 1 reply in its thread") || !strings.Contains(r.stdout, "same story:") {
		t.Fatalf("code %d, stdout:\n%s", r.code, r.stdout)
	}
	r = attache(t, dir, "test", "--json")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	byID := map[string]map[string]any{}
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		byID[m["id"].(string)] = m
	}
	if len(lines) != 3 || byID["en-1"]["story"] == nil || byID["en-1"]["story"] != byID["ru-1"]["story"] ||
		byID["en-1"]["story_why"] == nil || byID["ru-1"]["story_why"] != nil || byID["other"]["story"] != nil {
		t.Errorf("--json:\n%s\nwant en-1 and ru-1 in one story (ru-1, published first, its alert), other in none", r.stdout)
	}
}
