package source

import (
	"strings"
	"testing"

	"github.com/attache-dev/attache"
)

func TestALinkSharedByEntriesOrPointingAtTheSiteIsNoStory(t *testing.T) {
	doc := `<rss version="2.0"><channel><title>t</title><link>https://mfa.example/</link>
<item><guid>1</guid><title>NATO one</title><link>https://mfa.example/press</link></item>
<item><guid>2</guid><title>NATO two</title><link>https://mfa.example/press</link></item>
<item><guid>3</guid><title>NATO three</title><link>https://mfa.example/</link></item>
<item><guid>4</guid><title>NATO four</title><link>https://mfa.example/press/4?utm_source=rss</link></item>
</channel></rss>`
	items, err := ParseItems(&Response{Body: []byte(doc)}, attache.Feed{Name: "f"}, testNow)
	if err != nil || len(items) != 4 {
		t.Fatalf("items %d, %v", len(items), err)
	}
	for i, want := range []string{"feed:f:1", "feed:f:2", "feed:f:3", "https://mfa.example/press/4"} {
		if items[i].Story != want {
			t.Errorf("item %d story = %q, want %q", i+1, items[i].Story, want)
		}
	}
	if strings.HasPrefix(items[0].Story, "https://") {
		t.Error("a shared link made a story")
	}
}
