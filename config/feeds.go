package config

import (
	"errors"
	"fmt"
	"github.com/attache-dev/attache/source/jsonapi"
	"github.com/attache-dev/attache/source/sitemap"
	"github.com/attache-dev/attache/source/telegram"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
	"go.yaml.in/yaml/v3"
)

// feeds reads the feeds section. It runs after the global schedule is
// known, which a feed without its own takes.
func (l *loader) feeds(n *yaml.Node) {
	for i, item := range l.seq("feeds", n, "feeds, each a mapping with name and url") {
		path := fmt.Sprintf("feeds[%d]", i)
		m := l.mapping(path, item, feedKeys)
		if m == nil {
			continue
		}
		f := attache.Feed{Lang: attache.DefaultLang, Schedule: l.cfg.Schedule, StaleAfter: l.cfg.StaleAfter, MaxNewItems: l.cfg.MaxNewItems}
		if v, vn, ok := l.required(path, item, m, "name"); ok && l.name(vn, join(path, "name"), "feed", v) {
			if first, dup := l.refs.feeds[v]; dup {
				l.errorAt(vn, join(path, "name"), "duplicate feed name %q (first at line %d)", v, first.Line)
			} else {
				l.refs.feeds[v] = vn
			}
			f.Name = v
		}
		if v, vn, ok := l.required(path, item, m, "url"); ok {
			if u, msg := feedURL(v, l.dir); msg != "" {
				l.errorAt(vn, join(path, "url"), "%s", msg)
			} else {
				f.URL = u
			}
		}
		if v, vn, ok := l.str(path, m, "lang"); ok {
			if !validLang(v) {
				l.errorAt(vn, join(path, "lang"), "invalid language %q: use a 2 or 3 letter code such as en, ru or en-GB", v)
			} else {
				f.Lang = v
				if !rules.SupportsLanguage(v) {
					l.warnAt(vn, join(path, "lang"), "no stemmer or morphology for language %q: words of this feed match only as written, so a query word will not find its other forms (is the code mistyped?)", v)
				}
			}
		}
		if v, vn, ok := l.str(path, m, "schedule"); ok && l.schedule(join(path, "schedule"), vn, v) {
			f.Schedule = v
		}
		l.duration(path, m, "stale_after", &f.StaleAfter, false)
		l.count(path, m, "max_new_items", &f.MaxNewItems)
		spec := l.cfg.Adaptive
		spec.Location = l.cfg.Timezone
		zoned := false
		if v, vn, ok := l.str(path, m, "timezone"); ok {
			zoned = true
			if loc, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
				l.errorAt(vn, join(path, "timezone"), "unknown time zone %q: use an IANA name such as Europe/Minsk", v)
			} else {
				spec.Location = loc
			}
		}
		if l.adaptive(path, m, &spec) || zoned || f.Schedule == attache.ScheduleAdaptive {
			if f.Schedule != attache.ScheduleAdaptive {
				l.errorAt(item, path, "min_interval, max_interval, budget and timezone shape an adaptive schedule: give the feed schedule: adaptive")
			}
			f.Adaptive = &spec
		}
		if fl, ok := m["tags"]; ok {
			tags, nodes := l.list(join(path, "tags"), fl.val)
			for j, t := range tags {
				if !l.name(nodes[j], fmt.Sprintf("%s.tags[%d]", path, j), "tag", t) || slices.Contains(f.Tags, t) {
					continue
				}
				f.Tags = append(f.Tags, t)
				if _, seen := l.refs.tags[t]; !seen {
					l.refs.tags[t] = nodes[j]
				}
			}
		}
		if fl, ok := m["html"]; ok {
			f.HTML = l.html(join(path, "html"), fl.val)
		}
		if fl, ok := m["json"]; ok {
			kinds := 0
			for _, k := range []string{"html", "telegram", "sitemap"} {
				if _, both := m[k]; both {
					kinds++
				}
			}
			if kinds > 0 {
				l.errorAt(fl.val, join(path, "json"), "a source has one kind: json and no html, telegram or sitemap")
			} else {
				f.JSON = l.jsonSource(join(path, "json"), fl.val)
			}
		}
		if fl, ok := m["sitemap"]; ok {
			if _, both := m["html"]; both {
				l.errorAt(fl.val, join(path, "sitemap"), "a source has one kind: html or sitemap, not both")
			} else if _, both := m["telegram"]; both {
				l.errorAt(fl.val, join(path, "sitemap"), "a source has one kind: telegram or sitemap, not both")
			} else {
				f.Sitemap = l.sitemap(join(path, "sitemap"), fl.val)
			}
		}
		if fl, ok := m["telegram"]; ok {
			if _, both := m["html"]; both {
				l.errorAt(fl.val, join(path, "telegram"), "a source has one kind: html or telegram, not both")
			} else {
				f.Telegram = l.telegram(join(path, "telegram"), fl.val)
				if u, ok := m["url"]; ok && f.URL != "" {
					if _, err := telegram.CheckURL(f.URL); err != nil {
						l.errorAt(u.val, join(path, "url"), "%v", err)
					}
				}
			}
		}
		l.cfg.Feeds = append(l.cfg.Feeds, f)
	}
}

// rules reads the rules section; references to feeds, tags, lists and
// destinations are checked once everything is read.
func (l *loader) rules(n *yaml.Node) {
	names := map[string]*yaml.Node{}
	for i, item := range l.seq("rules", n, "rules, each a mapping with name and query") {
		path := fmt.Sprintf("rules[%d]", i)
		m := l.mapping(path, item, ruleKeys)
		if m == nil {
			continue
		}
		r := attache.Rule{Severity: attache.DefaultSeverity}
		refs := ruleRefs{path: path, node: item}
		if v, vn, ok := l.required(path, item, m, "name"); ok && l.name(vn, join(path, "name"), "rule", v) {
			if first, dup := names[v]; dup {
				l.errorAt(vn, join(path, "name"), "duplicate rule name %q (first at line %d)", v, first.Line)
			} else {
				names[v] = vn
			}
			r.Name = v
		}
		if v, _, ok := l.str(path, m, "description"); ok {
			r.Description = v
		}
		if f, ok := m["query"]; !ok {
			l.errorAt(item, path, "missing required key %q", "query")
		} else if isNull(f.val) {
			l.errorAt(f.key, join(path, "query"), "must not be empty")
		} else if x, ok := l.text(join(path, "query"), f.val); ok {
			r.Query, refs.query, refs.queryX = x.value, deref(f.val), x
		}
		if f, ok := m["feeds"]; ok {
			r.Feeds, refs.feeds = l.list(join(path, "feeds"), f.val)
		}
		if v, vn, ok := l.str(path, m, "severity"); ok {
			if s, err := attache.ParseSeverity(v); err != nil {
				l.errorAt(vn, join(path, "severity"), "%v", err)
			} else {
				r.Severity = s
			}
		}
		if f, ok := m["notify"]; ok {
			r.Notify, refs.notify = l.list(join(path, "notify"), f.val)
		}
		l.cfg.Rules = append(l.cfg.Rules, r)
		l.refs.rules = append(l.refs.rules, refs)
	}
}

// telegramKeys are the settings of a telegram: source.
var telegramKeys = []string{"max_pages"}

// telegram reads a source's `telegram:` block; `telegram: {}` is the usual
// setting.
func (l *loader) telegram(path string, n *yaml.Node) *attache.TelegramSpec {
	m := l.mapping(path, n, telegramKeys)
	if m == nil {
		return nil
	}
	spec := &attache.TelegramSpec{}
	l.count(path, m, "max_pages", &spec.MaxPages)
	if err := (telegram.Spec{MaxPages: spec.MaxPages}).Validate(); err != nil {
		l.errorAt(m["max_pages"].val, join(path, "max_pages"), "%v", err)
	}
	return spec
}

// sitemapKeys are the settings of a sitemap: source.
var sitemapKeys = []string{"include", "exclude", "sitemaps", "max_sitemaps", "follow", "content", "title"}

// sitemap reads a source's `sitemap:` block, checking its patterns.
func (l *loader) sitemap(path string, n *yaml.Node) *attache.SitemapSpec {
	m := l.mapping(path, n, sitemapKeys)
	if m == nil {
		return nil
	}
	spec := &attache.SitemapSpec{}
	nodes := map[string][]*yaml.Node{}
	for key, dst := range map[string]*[]string{"include": &spec.Include, "exclude": &spec.Exclude, "sitemaps": &spec.Sitemaps} {
		if fl, ok := m[key]; ok {
			*dst, nodes[key] = l.list(join(path, key), fl.val)
		}
	}
	l.count(path, m, "max_sitemaps", &spec.MaxSitemaps)
	l.boolean(path, m, "follow", &spec.Follow)
	spec.Content, _, _ = l.str(path, m, "content")
	spec.Title, _, _ = l.str(path, m, "title")
	if err := sitemap.SpecOf(spec).Validate(); err != nil {
		var problems []*sitemap.Problem
		collectProblems(err, &problems)
		for _, p := range problems {
			at := n
			key, i, indexed := splitIndex(p.Key)
			if fl, ok := m[key]; ok {
				at = fl.val
				if ns := nodes[key]; indexed && i < len(ns) {
					at = ns[i]
				}
			}
			l.errorAt(at, join(path, p.Key), "%s", p.Msg)
		}
	}
	return spec
}

// collectProblems gathers the problems an error of a reader's Validate
// holds (one, or several joined). Every reader's Problem is the same type.
func collectProblems(err error, out *[]*sitemap.Problem) {
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range multi.Unwrap() {
			collectProblems(e, out)
		}
		return
	}
	var p *sitemap.Problem
	if errors.As(err, &p) {
		*out = append(*out, p)
	}
}

// splitIndex splits "include[2]" into "include", 2, true.
func splitIndex(key string) (string, int, bool) {
	name, rest, ok := strings.Cut(key, "[")
	if !ok {
		return key, 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	if err != nil {
		return name, 0, false
	}
	return name, i, true
}

// jsonKeys are the settings of a json: source.
var jsonKeys = []string{"items", "id", "title", "link", "date", "summary", "content", "author", "categories", "date_format", "headers", "query"}

// jsonSource reads a source's `json:` block, checking its paths with the
// reader's own compiler.
func (l *loader) jsonSource(path string, n *yaml.Node) *attache.JSONSpec {
	m := l.mapping(path, n, jsonKeys)
	if m == nil {
		return nil
	}
	spec := &attache.JSONSpec{}
	for key, dst := range map[string]*string{"items": &spec.Items, "id": &spec.ID, "title": &spec.Title, "link": &spec.Link,
		"date": &spec.Date, "summary": &spec.Summary, "content": &spec.Content, "author": &spec.Author,
		"categories": &spec.Categories, "date_format": &spec.DateFormat} {
		if v, _, ok := l.str(path, m, key); ok {
			*dst = v
		}
	}
	for key, dst := range map[string]*map[string]string{"headers": &spec.Headers, "query": &spec.Query} {
		if fl, ok := m[key]; ok {
			names := l.mapping(join(path, key), fl.val, nil)
			for name := range names {
				if v, _, ok := l.str(join(path, key), names, name); ok {
					if *dst == nil {
						*dst = map[string]string{}
					}
					(*dst)[name] = v
				}
			}
		}
	}
	js := jsonapi.Spec{Items: spec.Items, ID: spec.ID, Title: spec.Title, Link: spec.Link, Date: spec.Date,
		Summary: spec.Summary, Content: spec.Content, Author: spec.Author, Categories: spec.Categories, DateFormat: spec.DateFormat,
		Headers: spec.Headers, Query: spec.Query}
	if err := js.Validate(); err != nil {
		var problems []*sitemap.Problem // the readers share one Problem type
		collectProblems(err, &problems)
		for _, p := range problems {
			at := n
			key, _, _ := strings.Cut(p.Key, ".") // "headers.Host"
			if fl, ok := m[key]; ok {
				at = fl.val
			}
			l.errorAt(at, join(path, p.Key), "%s", p.Msg)
		}
	}
	return spec
}
