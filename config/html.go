package config

import (
	"slices"
	"strings"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/source/scrape"
	"go.yaml.in/yaml/v3"
)

// htmlKeys are the keys of a feed's html mapping, in the documentation's
// order.
var htmlKeys = []string{"item", "title", "link", "date", "date_format", "summary", "follow", "content"}

// partners are the keys whose problems a key's cross-check depends on.
var partners = map[string][]string{
	"follow": {"content"}, "content": {"follow"}, "date_format": {"date"},
}

// html reads a feed's html mapping: the selectors of an HTML list page.
// Each selector is compiled as the watcher applies it, so that a typo is
// reported here, at its value and with cascadia's reason, instead of
// reading as a page that changed its layout.
func (l *loader) html(path string, n *yaml.Node) *attache.HTMLSpec {
	m := l.mapping(path, n, htmlKeys)
	if m == nil {
		return nil
	}
	spec := &attache.HTMLSpec{}
	at := map[string]*yaml.Node{} // where each key's problems point
	bad := map[string]bool{}      // keys already reported
	if _, _, ok := l.required(path, n, m, "item"); !ok {
		bad["item"] = true
	}
	values := map[string]*string{
		"item": &spec.Item, "title": &spec.Title, "link": &spec.Link, "date": &spec.Date,
		"summary": &spec.Summary, "content": &spec.Content,
	}
	for _, key := range htmlKeys {
		dst, isValue := values[key]
		if !isValue {
			continue
		}
		v, vn, ok := l.str(path, m, key)
		if !ok {
			continue
		}
		at[key] = vn
		if strings.TrimSpace(v) == "" {
			l.errorAt(vn, join(path, key), "must not be empty: give a selector, or leave the key out")
			bad[key] = true
			continue
		}
		*dst = v
	}
	if v, vn, ok := l.str(path, m, "date_format"); ok {
		spec.DateFormat, at["date_format"] = v, vn
	}
	if f, ok := m["follow"]; ok {
		at["follow"] = f.val
		before := len(l.errs)
		l.boolean(path, m, "follow", &spec.Follow)
		bad["follow"] = len(l.errs) > before
	}
	_, problems := scrape.Compile(*spec)
	for _, p := range problems {
		// A key that is itself wrong already has its message; what it
		// implies for the keys it goes with would only repeat it.
		if bad[p.Key] || (!p.Own && slices.ContainsFunc(partners[p.Key], func(k string) bool { return bad[k] })) {
			continue
		}
		if p.Own {
			bad[p.Key] = true
		}
		node := at[p.Key]
		if node == nil {
			node = n
		}
		l.errorAt(node, join(path, p.Key), "%s", p.Msg)
	}
	return spec
}
