package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Keys of each mapping, in the order the documentation gives them.
var (
	topKeys  = []string{"state", "lease_ttl", "websub", "slack_admins", "schedule", "timezone", "backfill", "retention", "stale_after", "max_new_items", "min_interval", "max_interval", "budget", "http", "feeds", "lists", "destinations", "default_notify", "health_notify", "rules"}
	httpKeys = []string{"timeout", "max_body", "max_text", "user_agent", "deny_private"}
	feedKeys = []string{"name", "url", "lang", "schedule", "stale_after", "max_new_items", "min_interval", "max_interval", "budget", "timezone", "tags", "html", "telegram", "sitemap", "json"}
	destKeys = []string{"type", "token", "channel", "api_url", "url", "burst_limit", "app_token", "group_by", "story_replies"}
	ruleKeys = []string{"name", "description", "query", "feeds", "severity", "notify"}
)

// references keeps the nodes that cross-references and query errors point
// at, once every section has been read.
type references struct {
	feeds         map[string]*yaml.Node // feed name → its value node
	tags          map[string]*yaml.Node // tag → its first use
	lists         map[string][]*yaml.Node
	defaultNotify []*yaml.Node
	healthNotify  []*yaml.Node
	rules         []ruleRefs // parallel to Config.Rules
}

type ruleRefs struct {
	path   string
	node   *yaml.Node
	query  *yaml.Node // nil when the rule has no usable query
	queryX expansion
	feeds  []*yaml.Node
	notify []*yaml.Node
}

// top reads the root mapping, section by section.
func (l *loader) top(root *yaml.Node) {
	if root = deref(root); root.Kind != yaml.MappingNode {
		l.errorAt(root, "", "the configuration must be a mapping with keys such as feeds and rules, got %s", kindName(root))
		return
	}
	m := l.mapping("", root, topKeys)
	c := l.cfg
	if v, n, ok := l.str("", m, "state"); ok {
		switch {
		case strings.TrimSpace(v) == "":
			l.errorAt(n, "state", "must not be empty: give the SQLite file's path, or a postgres:// URL")
		case IsPostgres(v):
			if err := checkPostgresURL(v); err != nil {
				l.errorAt(n, "state", "%v", err)
			}
			c.State = v
		default:
			c.State = v
		}
	}
	if !IsPostgres(c.State) {
		c.State = resolvePath(l.dir, c.State)
	}
	l.duration("", m, "lease_ttl", &c.LeaseTTL, false)
	if f, ok := m["lease_ttl"]; ok && c.LeaseTTL > 0 && c.LeaseTTL < 3*time.Second {
		l.errorAt(f.val, "lease_ttl", "%v is too short: a replica renews its leases every third of it, and must manage that under load; give 3s or more (default 30s)", c.LeaseTTL)
	}
	if v, n, ok := l.str("", m, "schedule"); ok && l.schedule("schedule", n, v) {
		c.Schedule = v
	}
	if v, n, ok := l.str("", m, "timezone"); ok {
		l.timezone(n, v)
	}
	l.duration("", m, "backfill", &c.Backfill, true)
	l.duration("", m, "retention", &c.Retention, false)
	l.duration("", m, "stale_after", &c.StaleAfter, false)
	l.count("", m, "max_new_items", &c.MaxNewItems)
	l.adaptive("", m, &c.Adaptive)
	if f, ok := m["http"]; ok {
		l.http(f.val)
	}
	if f, ok := m["websub"]; ok {
		l.websub(f.val)
	}
	if f, ok := m["slack_admins"]; ok {
		admins, nodes := l.list("slack_admins", f.val)
		for i, a := range admins {
			if !slackUserID.MatchString(a) {
				l.errorAt(nodes[i], fmt.Sprintf("slack_admins[%d]", i), "%q is not a Slack user id: give ids such as U0123ABCD (the profile's \"Copy member ID\"), not names", a)
			}
		}
		c.SlackAdmins = admins
	}
	if f, ok := m["feeds"]; ok {
		l.feeds(f.val)
	}
	if f, ok := m["lists"]; ok {
		l.lists(f.val)
	}
	if f, ok := m["destinations"]; ok {
		l.destinations(f.val)
	}
	if f, ok := m["default_notify"]; ok {
		c.DefaultNotify, l.refs.defaultNotify = l.list("default_notify", f.val)
	}
	if f, ok := m["health_notify"]; ok {
		c.HealthNotify, l.refs.healthNotify = l.list("health_notify", f.val)
	}
	if f, ok := m["rules"]; ok {
		l.rules(f.val)
	}
}

// duration reads a duration key of mapping m into *dst, which keeps its
// default when the key is absent.
func (l *loader) duration(path string, m map[string]field, key string, dst *time.Duration, zeroOK bool) {
	v, n, ok := l.str(path, m, key)
	if !ok {
		return
	}
	d, err := ParseDuration(v)
	switch {
	case err != nil:
		l.errorAt(n, join(path, key), "invalid duration %q: %v", v, err)
	case d == 0 && !zeroOK:
		l.errorAt(n, join(path, key), "must be more than 0")
	default:
		*dst = d
	}
}

// http reads the fetching limits.
func (l *loader) http(n *yaml.Node) {
	m := l.mapping("http", n, httpKeys)
	h := &l.cfg.HTTP
	l.duration("http", m, "timeout", &h.Timeout, false)
	if v, n, ok := l.str("http", m, "max_body"); ok {
		size, err := ParseSize(v)
		switch {
		case err != nil:
			l.errorAt(n, "http.max_body", "invalid size %q: %v", v, err)
		case size <= 0:
			l.errorAt(n, "http.max_body", "must be more than 0 bytes")
		default:
			h.MaxBody = size
		}
	}
	if v, n, ok := l.str("http", m, "max_text"); ok {
		size, err := ParseSize(v)
		switch {
		case err != nil:
			l.errorAt(n, "http.max_text", "invalid size %q: %v", v, err)
		case size < 1024 || size > 64<<20:
			l.errorAt(n, "http.max_text", "must be between 1KiB and 64MiB")
		default:
			h.MaxText = int(size)
		}
	}
	if v, n, ok := l.str("http", m, "user_agent"); ok {
		if strings.TrimSpace(v) == "" || strings.ContainsFunc(v, unicode.IsControl) {
			l.errorAt(n, "http.user_agent", "must be one line of text, such as %q", DefaultUserAgent)
		} else {
			h.UserAgent = v
		}
	}
	l.boolean("http", m, "deny_private", &h.DenyPrivate)
}

// lists reads the named term lists. A list that cannot be read still
// counts as defined, so that queries using it get no second, misleading
// "unknown list" error.
func (l *loader) lists(n *yaml.Node) {
	m := l.mapping("lists", n, nil)
	for _, name := range slices.Sorted(maps.Keys(m)) {
		f := m[name]
		path := "lists." + name
		l.name(f.key, "lists", "list", name)
		vals, nodes := l.list(path, f.val)
		if v := deref(f.val); isNull(v) || (v.Kind == yaml.SequenceNode && len(v.Content) == 0) {
			l.errorAt(f.key, path, "empty list: give at least one term, such as [NATO, \"North Atlantic Alliance\"]")
		}
		l.cfg.Lists[name] = vals
		l.refs.lists[name] = nodes
	}
}
