// Package config turns rules.yaml into a typed, validated Config: strict
// decoding (unknown keys, wrong types and duplicates are errors), ${VAR}
// expansion from the environment, defaults, cross-references between
// rules, feeds, lists and destinations, and every query compiled. Each
// problem is reported with the line and column of the YAML node behind it
// (inside the query for a bad query), all of them at once. Tokens and
// webhook URLs are Secrets and never appear in messages.
package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/rules"
)

// DefaultUserAgent is the User-Agent sent when http.user_agent is not set:
// attache.DefaultUserAgent with the version. The command sets it from its
// version at start-up, before loading.
var DefaultUserAgent = "attache/dev (+https://github.com/attache-dev/attache)"

// Destination types.
const (
	TypeSlack        = "slack"
	TypeSlackWebhook = "slack-webhook"
	TypeConsole      = "console"
)

// How a destination groups alerts (group_by).
const (
	GroupByStory = "story"
	GroupByItem  = "item"
)

// ByItem lists the destinations that alert item by item (group_by: item).
func (c *Config) ByItem() []string {
	var out []string
	for name, d := range c.Destinations {
		if d.GroupBy == GroupByItem {
			out = append(out, name)
		}
	}
	return out
}

// Config is a loaded and validated rules.yaml. Every default is filled in
// and every reference resolved, so its users need no further checks.
type Config struct {
	// Path is the file it was read from, as given.
	Path string
	// State is the SQLite file, resolved against the folder of Path, or a
	// postgres:// URL (IsPostgres) for a state shared by replicas.
	State string
	// SlackAdmins are the Slack user ids who may act on alerts (mute,
	// feedback, /attache) besides the members of each destination's
	// channel.
	SlackAdmins []string
	// WebSub, when set, subscribes feeds that name a hub to its pushes.
	WebSub *WebSub
	// LeaseTTL is how long a replica's leases on feeds and destinations
	// last without renewal, with a PostgreSQL state.
	LeaseTTL time.Duration
	// Schedule is the default cron spec of feeds (cron.ParseStandard syntax).
	Schedule string
	// Adaptive bounds the adaptive schedules: min_interval, max_interval
	// and budget at the top level, each feed's own overriding them.
	Adaptive attache.AdaptiveSpec
	// Timezone is where cron specs are evaluated.
	Timezone *time.Location
	// Backfill is how old an item may be and still be alerted on a feed's
	// first poll.
	Backfill time.Duration
	// Retention is how long seen-item records and item text are kept.
	Retention time.Duration
	HTTP      HTTP
	Feeds     []attache.Feed
	// Lists are the named term lists, used in queries as @name.
	Lists        map[string][]string
	Destinations map[string]Destination
	// DefaultNotify is where rules without a notify key send alerts.
	DefaultNotify []string
	// StaleAfter is how long a feed may fail before a health alert says so;
	// a feed may set its own.
	StaleAfter time.Duration
	// MaxNewItems is the flood guard of every feed without its own
	// max_new_items: more new items than this in one poll are recorded
	// without alerts, and one summary says so.
	MaxNewItems int
	// HealthNotify is where feed-health alerts go: health_notify, or else
	// DefaultNotify.
	HealthNotify []string
	Rules        []attache.Rule
	// Matcher is every rule compiled, with its feeds as scopes.
	Matcher *rules.Matcher
	// Warnings are what in the file probably does not do what was meant,
	// sorted by position; the configuration is valid all the same.
	Warnings []Warning
}

// HTTP holds the limits of feed fetching.
type HTTP struct {
	Timeout   time.Duration
	MaxBody   int64 // bytes, after decompression
	MaxText   int   // bytes kept and analysed per text field of an item
	UserAgent string
	// DenyPrivate refuses feeds on loopback, private, link-local and
	// metadata addresses, and local files: for operators who let others
	// edit the feed list.
	DenyPrivate bool
}

// Destination is one place alerts are sent to.
type Destination struct {
	Name string
	// Type is TypeSlack, TypeSlackWebhook or TypeConsole.
	Type string
	// Token and Channel are for TypeSlack; APIURL, when set, replaces
	// Slack's (GovSlack, tests) and ends with "/".
	Token   Secret
	Channel string
	APIURL  string
	// AppToken, on a TypeSlack destination, is the app-level token
	// (xapp-…) that opens a Socket Mode connection: the alerts then carry
	// mute menus and feedback buttons, and /attache answers.
	AppToken Secret
	// URL is the incoming webhook of TypeSlackWebhook.
	URL Secret
	// GroupBy is GroupByStory (the default: later reports of a story go
	// under its first alert) or GroupByItem (one message per item).
	GroupBy string
	// StoryReplies caps the replies in a story's Slack thread (0: the
	// notifier's default, 20).
	StoryReplies int
	// BurstLimit is the number of alerts in one cycle above which one
	// summary message is sent instead.
	BurstLimit int
}

// FeedByName returns the feed with that name, or nil.
func (c *Config) FeedByName(name string) *attache.Feed {
	for i := range c.Feeds {
		if c.Feeds[i].Name == name {
			return &c.Feeds[i]
		}
	}
	return nil
}

// RuleByName returns the rule with that name, or nil.
func (c *Config) RuleByName(name string) *attache.Rule {
	for i := range c.Rules {
		if c.Rules[i].Name == name {
			return &c.Rules[i]
		}
	}
	return nil
}

// Summary is the line `attache check` prints for a valid file, such as
// "rules.yaml: 14 feeds, 6 lists, 5 rules, 2 destinations".
func (c *Config) Summary() string {
	parts := []string{
		plural(len(c.Feeds), "feed"), plural(len(c.Lists), "list"),
		plural(len(c.Rules), "rule"), plural(len(c.Destinations), "destination"),
	}
	return c.Path + ": " + strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
