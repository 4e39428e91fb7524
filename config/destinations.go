package config

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/attache-dev/attache"

	"go.yaml.in/yaml/v3"
)

// destTypes lists the keys each destination type takes, type and
// burst_limit included.
var destTypes = map[string][]string{
	TypeSlack:        {"type", "token", "channel", "api_url", "burst_limit", "app_token", "group_by", "story_replies"},
	TypeSlackWebhook: {"type", "url", "burst_limit", "group_by"},
	TypeConsole:      {"type", "burst_limit", "group_by"},
}

var destTypeNames = []string{TypeSlack, TypeSlackWebhook, TypeConsole}

// destinations reads the destinations section. Tokens and webhook URLs are
// secrets: no message ever quotes them, and their values are kept aside so
// that the final messages can be scrubbed of them.
func (l *loader) destinations(n *yaml.Node) {
	m := l.mapping("destinations", n, nil)
	for _, name := range slices.Sorted(maps.Keys(m)) {
		f := m[name]
		path := "destinations." + name
		l.name(f.key, "destinations", "destination", name)
		dm := l.mapping(path, f.val, destKeys)
		if dm == nil {
			l.cfg.Destinations[name] = Destination{Name: name} // defined, though broken
			continue
		}
		d := Destination{Name: name, BurstLimit: attache.DefaultBurstLimit}
		typ, tn, ok := l.required(path, f.val, dm, "type")
		if ok {
			if _, known := destTypes[typ]; !known {
				l.errorAt(tn, join(path, "type"), "unknown type %q: use %s", typ, orList(destTypeNames))
				ok = false
			}
		}
		if ok {
			d.Type = typ
			allowed := destTypes[typ]
			for _, key := range slices.Sorted(maps.Keys(dm)) {
				if !slices.Contains(allowed, key) {
					l.errorAt(dm[key].key, path, "key %q does not apply to type %s (its keys: %s)", key, typ, strings.Join(allowed, ", "))
					delete(dm, key)
				}
			}
		}
		l.destination(path, f.val, dm, &d)
		l.cfg.Destinations[name] = d
	}
}

// needs lists the keys a destination type cannot do without.
var needs = map[string][]string{
	TypeSlack:        {"token", "channel"},
	TypeSlackWebhook: {"url"},
}

// destination reads the keys of one destination that its type allows.
func (l *loader) destination(path string, n *yaml.Node, m map[string]field, d *Destination) {
	for _, key := range needs[d.Type] {
		if f, ok := m[key]; !ok || isNull(f.val) {
			l.errorAt(n, path, "type %s needs %s", d.Type, key)
		}
	}
	// secret reads a token or webhook URL, and keeps its whole value aside
	// for redaction even when it is written in the file itself.
	secret := func(key string) (Secret, *yaml.Node, bool) {
		f, ok := m[key]
		if !ok || isNull(f.val) {
			return "", nil, false
		}
		x, ok := l.text(join(path, key), f.val)
		if x.value != "" {
			l.secrets = append(l.secrets, x.value)
		}
		return Secret(x.value), deref(f.val), ok
	}
	if tok, tn, ok := secret("token"); ok {
		if strings.TrimSpace(tok.Value()) == "" || strings.ContainsAny(tok.Value(), " \t\r\n") {
			l.errorAt(tn, join(path, "token"), "a Slack token is one word, such as xoxb-...; this one is empty or has spaces (value not shown)")
		}
		d.Token = tok
	}
	if u, un, ok := secret("url"); ok {
		if !isHTTPURL(u.Value()) {
			l.errorAt(un, join(path, "url"), "want an http or https URL, such as https://hooks.slack.com/services/... (value not shown)")
		}
		d.URL = u
	}
	if tok, tn, ok := secret("app_token"); ok {
		if !strings.HasPrefix(tok.Value(), "xapp-") || strings.ContainsAny(tok.Value(), " \t\r\n") {
			l.errorAt(tn, join(path, "app_token"), "want an app-level token, xapp-..., with connections:write (value not shown)")
		}
		d.AppToken = tok
	}
	if ch, cn, ok := l.str(path, m, "channel"); ok {
		if ch == "" || strings.ContainsAny(ch, " \t\r\n") {
			l.errorAt(cn, join(path, "channel"), "want a channel id such as C0123456789, or #name")
		}
		d.Channel = ch
	}
	if u, un, ok := l.str(path, m, "api_url"); ok {
		if !isHTTPURL(u) {
			l.errorAt(un, join(path, "api_url"), "want an http or https URL, such as https://slack.com/api/")
		} else if !strings.HasSuffix(u, "/") {
			u += "/" // Slack clients append the method name to it
		}
		d.APIURL = u
	}
	if v, vn, ok := l.str(path, m, "group_by"); ok {
		switch v {
		case GroupByStory, GroupByItem:
			d.GroupBy = v
		default:
			l.errorAt(vn, join(path, "group_by"), "%q: want story (one message per story, later reports as replies) or item (one message per item)", v)
		}
	}
	if v, vn, ok := l.str(path, m, "story_replies"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 {
			l.errorAt(vn, join(path, "story_replies"), "want a whole number of replies in a story's thread, 1 or more, such as 20")
		} else {
			d.StoryReplies = n
		}
	}
	if v, vn, ok := l.str(path, m, "burst_limit"); ok {
		b, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || b < 1 {
			l.errorAt(vn, join(path, "burst_limit"), "want a whole number of alerts, 1 or more, such as 20")
		} else {
			d.BurstLimit = b
		}
	}
}

// slackUserID is a Slack user id: U or W, then capitals and digits.
var slackUserID = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
