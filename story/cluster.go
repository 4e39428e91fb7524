package story

import "sort"

// Cluster assigns a batch of items to stories from an empty index, in
// publication order (then by id), so that the same items give the same
// stories whatever order they are given in. The decisions are in that
// order too.
func Cluster(items []Item, cfg Config) []Decision {
	sorted := append([]Item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].Published, sorted[j].Published
		return a.Before(b) || a.Equal(b) && sorted[i].ID < sorted[j].ID
	})
	x := NewIndex(cfg)
	out := make([]Decision, len(sorted))
	for i, it := range sorted {
		out[i] = x.Assign(it)
	}
	return out
}
