package config

import (
	"fmt"
	"github.com/attache-dev/attache"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // IANA names must load in a static binary on a bare image too

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// validName accepts what a query can write after @ and what is safe in
// logs, metrics labels and Slack messages.
var validName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// name reports a name that is not letters, digits, '-' and '_'.
func (l *loader) name(n *yaml.Node, path, what, v string) bool {
	if validName.MatchString(v) {
		return true
	}
	l.errorAt(n, path, "invalid %s name %q: use only letters, digits, '-' and '_'", what, v)
	return false
}

// langTag is a BCP 47 primary language with optional subtags: en, fil,
// en-GB, zh-Hant-TW.
var langTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

func validLang(s string) bool { return langTag.MatchString(s) }

// schedule checks a cron spec with the parser the daemon uses.
func (l *loader) schedule(path string, n *yaml.Node, spec string) bool {
	if spec == attache.ScheduleAdaptive {
		return true
	}
	if err := parseSchedule(spec); err != nil {
		l.errorAt(n, path, "invalid schedule %q: %v (use 5 cron fields such as \"*/5 * * * *\", @every 10m, @hourly, @daily, or adaptive)", spec, err)
		return false
	}
	return true
}

// parseSchedule runs cron.ParseStandard, which panics on some malformed
// TZ= prefixes: a bad file must give an error, never a crash.
func parseSchedule(spec string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed spec")
		}
	}()
	if _, err = cron.ParseStandard(spec); err != nil {
		return err
	}
	// robfig/cron rounds an @every below a second up to one second, so
	// "@every 250ms" would silently poll every second.
	if rest, ok := strings.CutPrefix(spec, "@every "); ok {
		if d, err := time.ParseDuration(strings.TrimSpace(rest)); err == nil && d < time.Second {
			return fmt.Errorf("an interval under 1s is not supported (it would run every second)")
		}
	}
	return nil
}

// timezone sets the configuration's location from an IANA name.
func (l *loader) timezone(n *yaml.Node, name string) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		l.errorAt(n, "timezone", "unknown time zone %q: use an IANA name such as UTC or Europe/Moscow", name)
		return
	}
	l.cfg.Timezone = loc
}

// feedURL checks a feed's address and makes a plain relative path absolute
// against dir. It returns a message when the address is unusable.
func feedURL(s, dir string) (string, string) {
	if strings.TrimSpace(s) == "" {
		return "", "must not be empty: give an http(s) URL, a file:// URL or a path"
	}
	scheme, _, isURL := strings.Cut(s, "://")
	if !isURL || !validScheme.MatchString(scheme) {
		return resolvePath(dir, s), ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Sprintf("invalid URL %q", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Sprintf("URL %q has no host", s)
		}
	case "file":
		if u.Path == "" || (u.Host != "" && u.Host != "localhost") {
			return "", fmt.Sprintf("invalid file URL %q: write file:///absolute/path", s)
		}
	default:
		return "", fmt.Sprintf("unsupported URL scheme %q: use http, https, file, or a plain path", u.Scheme)
	}
	return s, ""
}

var validScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// isHTTPURL reports an absolute http or https URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// resolvePath makes a relative path relative to dir; SQLite's special
// names and URIs are left alone.
func resolvePath(dir, p string) string {
	if p == ":memory:" || strings.HasPrefix(p, "file:") || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// references checks what names point at: rules' feeds and notify, and
// default_notify; then settles each rule's destinations.
func (l *loader) references() {
	r := &l.refs
	for t, n := range r.tags {
		if f, clash := r.feeds[t]; clash {
			l.errorAt(n, "", "tag %q is also the name of the feed at line %d: a rule's feeds entry could not tell them apart", t, f.Line)
		}
	}
	scopes := make([]string, 0, len(r.feeds)+len(r.tags))
	for name := range r.feeds {
		scopes = append(scopes, name)
	}
	for t := range r.tags {
		scopes = append(scopes, t)
	}
	slices.Sort(scopes) // a stable suggestion when two are as close
	for i, dn := range r.defaultNotify {
		l.destinationRef(dn, fmt.Sprintf("default_notify[%d]", i), l.cfg.DefaultNotify[i])
	}
	for i, hn := range r.healthNotify {
		l.destinationRef(hn, fmt.Sprintf("health_notify[%d]", i), l.cfg.HealthNotify[i])
	}
	if len(l.cfg.HealthNotify) == 0 {
		l.cfg.HealthNotify = slices.Clone(l.cfg.DefaultNotify)
	}
	for i := range l.cfg.Rules {
		rule, refs := &l.cfg.Rules[i], r.rules[i]
		for j, s := range rule.Feeds {
			if _, ok := r.feeds[s]; ok {
				continue
			}
			if _, ok := r.tags[s]; ok {
				continue
			}
			msg := fmt.Sprintf("unknown feed or tag %q", s)
			if near := suggest(s, scopes); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			l.errorAt(refs.feeds[j], fmt.Sprintf("%s.feeds[%d]", refs.path, j), "%s", msg)
		}
		for j, d := range rule.Notify {
			l.destinationRef(refs.notify[j], fmt.Sprintf("%s.notify[%d]", refs.path, j), d)
		}
		if len(rule.Notify) == 0 {
			rule.Notify = slices.Clone(l.cfg.DefaultNotify)
		}
		if len(rule.Notify) == 0 {
			l.errorAt(refs.node, refs.path, "no destination: give the rule notify: [NAME], or set default_notify")
		}
	}
}

// destinationRef reports a name that is not a defined destination.
func (l *loader) destinationRef(n *yaml.Node, path, name string) {
	if _, ok := l.cfg.Destinations[name]; ok {
		return
	}
	defined := make([]string, 0, len(l.cfg.Destinations))
	for d := range l.cfg.Destinations {
		defined = append(defined, d)
	}
	if len(defined) == 0 {
		l.errorAt(n, path, "unknown destination %q: no destinations are defined", name)
		return
	}
	slices.Sort(defined)
	l.errorAt(n, path, "unknown destination %q: defined are %s", name, strings.Join(defined, ", "))
}
