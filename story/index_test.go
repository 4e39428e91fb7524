package story

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"
)

func fixtureItems(t testing.TB, parts ...string) ([]fixtureItem, []Item) {
	var fs []fixtureItem
	for _, p := range parts {
		fs = append(fs, loadFixture(t, p)...)
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Published.Before(fs[j].Published) })
	in := make([]Item, len(fs))
	for i, f := range fs {
		in[i] = f.item()
	}
	return fs, in
}

// partition writes the stories of decisions as sorted lists of item ids,
// independent of the stories' ids.
func partition(ds []Decision) string {
	by := map[string][]string{}
	for _, d := range ds {
		by[d.Story] = append(by[d.Story], d.Item)
	}
	var out []string
	for _, items := range by {
		sort.Strings(items)
		out = append(out, strings.Join(items, ","))
	}
	sort.Strings(out)
	return strings.Join(out, " | ")
}

func TestClusterGivesTheSameStoriesInAnyOrder(t *testing.T) {
	_, in := fixtureItems(t, "tune", "heldout")
	want := partition(Cluster(in, Config{}))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		shuffled := append([]Item(nil), in...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := partition(Cluster(shuffled, Config{})); got != want {
			t.Fatalf("stories differ for another order:\n got %s\nwant %s", got, want)
		}
	}
}

// TestOnlineOrderDependence feeds the index items in the orders a watcher
// may see them: by publication time, by publication time with each item
// seen up to two hours late, and shuffled within a day. It prints pairwise
// F1 for each and checks that publication order gives Cluster's stories and
// that late arrival costs little.
func TestOnlineOrderDependence(t *testing.T) {
	fs, in := fixtureItems(t, "tune", "heldout")
	f1 := func(order []int) float64 {
		x := NewIndex(Config{})
		ds := make([]Decision, len(order))
		for k, i := range order {
			ds[k] = x.Assign(in[i])
		}
		_, _, f := evaluate(fs, ds).all.scores()
		return f
	}
	byPub := make([]int, len(in))
	for i := range byPub {
		byPub[i] = i
	}
	base := f1(byPub)
	_, _, cluster := evaluate(fs, Cluster(in, Config{})).all.scores()
	if base != cluster {
		t.Errorf("publication order gives F1 %.3f, Cluster %.3f", base, cluster)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name   string
		jitter time.Duration
	}{{"seen up to 2h late", 2 * time.Hour}, {"seen up to 24h late", 24 * time.Hour}} {
		var fsum, fmin float64 = 0, 1
		const runs = 20
		for range runs {
			seen := make([]time.Time, len(in))
			for i := range in {
				seen[i] = in[i].Published.Add(time.Duration(rng.Int64N(int64(c.jitter))))
			}
			order := append([]int(nil), byPub...)
			sort.SliceStable(order, func(a, b int) bool { return seen[order[a]].Before(seen[order[b]]) })
			f := f1(order)
			fsum += f
			fmin = min(fmin, f)
		}
		t.Logf("%-20s pairwise F1 mean %.3f, worst %.3f over %d orders (publication order %.3f)", c.name, fsum/runs, fmin, runs, base)
		if c.jitter == 2*time.Hour && fmin < base-0.05 {
			t.Errorf("%s: worst F1 %.3f, more than 0.05 below publication order's %.3f", c.name, fmin, base)
		}
	}
}

func TestStoriesSpanARestart(t *testing.T) {
	_, in := fixtureItems(t, "tune")
	want := Cluster(in, Config{})

	half := len(in) / 2
	x := NewIndex(Config{})
	var got []Decision
	for _, it := range in[:half] {
		got = append(got, x.Assign(it))
	}
	last := got[half-1].Story
	if err := x.SetMessage(last, "analysts", "C0123:1718000000.000100"); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(x.Records())
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	if err := json.Unmarshal(data, &recs); err != nil {
		t.Fatal(err)
	}
	y := NewIndex(Config{})
	y.Restore(recs)
	if r, ok := y.Story(last); !ok || r.Messages["analysts"] != "C0123:1718000000.000100" {
		t.Errorf("the message reference did not survive the restart: %v", r.Messages)
	}
	// A replay of items already assigned changes nothing.
	for _, it := range in[half-3 : half] {
		if d := y.Assign(it); !d.Repeat || d.Story != got[indexOf(in, it.ID)].Story {
			t.Errorf("item %s assigned again after the restart: %+v", it.ID, d)
		}
	}
	for _, it := range in[half:] {
		got = append(got, y.Assign(it))
	}
	for i := range want {
		if got[i].Story != want[i].Story || got[i].New != want[i].New {
			t.Errorf("item %s: after a restart story %s (new %v), without one %s (new %v)",
				want[i].Item, got[i].Story, got[i].New, want[i].Story, want[i].New)
		}
	}
}

func indexOf(in []Item, id string) int {
	for i := range in {
		if in[i].ID == id {
			return i
		}
	}
	return -1
}

func TestJoinsCarryTheirReason(t *testing.T) {
	_, in := fixtureItems(t, "tune")
	for _, d := range Cluster(in, Config{}) {
		switch {
		case d.New && d.Reason != nil:
			t.Errorf("item %s opened a story with a reason", d.Item)
		case !d.New && (d.Reason == nil || d.Reason.Score < DefaultWeights.Threshold || d.Reason.Member == ""):
			t.Errorf("item %s joined %s without a sufficient reason: %+v", d.Item, d.Story, d.Reason)
		case !d.New && !strings.HasPrefix(d.Reason.String(), "score "):
			t.Errorf("reason %q", d.Reason)
		}
		if d.Record.ID != d.Story || d.Record.Count != len(d.Record.Members) {
			t.Errorf("item %s: record %s has %d members, count %d", d.Item, d.Record.ID, len(d.Record.Members), d.Record.Count)
		}
	}
}

func TestIndexStaysBounded(t *testing.T) {
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	item := func(i int, title string) Item {
		return Item{ID: fmt.Sprint("i", i), Title: title, Lang: "en", Published: start.Add(time.Duration(i) * time.Minute)}
	}
	t.Run("beyond MaxStories the least recently updated story closes", func(t *testing.T) {
		x := NewIndex(Config{MaxStories: 10})
		subjects := strings.Fields("apples bridges cannons dolphins engines falcons glaciers harbours islands " +
			"jackets kettles lanterns meadows needles orchards pianos quarries rivers saddles towers umbrellas " +
			"valleys wagons yachts zeppelins")
		for i := range 25 {
			x.Assign(item(i, "Report on "+subjects[i]))
		}
		if x.Len() != 10 {
			t.Errorf("%d open stories, want 10", x.Len())
		}
		if _, ok := x.Story(storyID("i0")); ok {
			t.Error("the oldest story is still open")
		}
	})
	t.Run("stories close when they fall out of the window", func(t *testing.T) {
		x := NewIndex(Config{Window: time.Hour})
		x.Assign(item(0, "Lukashenko meets Khrenin in Grodno"))
		x.Assign(item(600, "Something else entirely in Vitebsk"))
		if x.Len() != 1 {
			t.Errorf("%d open stories ten hours later with a one-hour window, want 1", x.Len())
		}
	})
	t.Run("a story keeps at most MaxSignatures and MaxMembers", func(t *testing.T) {
		x := NewIndex(Config{MaxSignatures: 4, MaxMembers: 6})
		var d Decision
		for i := range 12 {
			d = x.Assign(item(i, "Khrenin: up to 40,000 NATO troops near Grodno and Brest, Zorglub says"))
		}
		if d.New || d.Record.Count != 12 || len(d.Record.Members) != 6 || d.Record.Members[0].Item != "i0" {
			t.Fatalf("record after 12 items: count %d, %d members, first %s", d.Record.Count, len(d.Record.Members), d.Record.Members[0].Item)
		}
		sigs := 0
		for _, m := range d.Record.Members {
			if m.Sig != nil {
				sigs++
			}
		}
		if sigs > 4 {
			t.Errorf("%d signatures kept, want at most 4", sigs)
		}
	})
}

func TestSetMessageOnAClosedStoryFails(t *testing.T) {
	x := NewIndex(Config{})
	if err := x.SetMessage("s-nope", "analysts", "ts"); err == nil || !strings.Contains(err.Error(), `"s-nope"`) {
		t.Errorf("err = %v, want one naming the story", err)
	}
}
