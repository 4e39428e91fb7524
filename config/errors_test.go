package config

import (
	"slices"
	"strings"
	"testing"
)

// A base that is valid on its own, for cases that need a destination.
const withLog = "destinations: {log: {type: console}}\ndefault_notify: [log]\n"

func TestEachProblemIsReportedAtItsNodeWithItsMessage(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"an unknown top-level key names the known ones and the likely one",
			"feed:\n  - name: f\n",
			[]string{`1:1: unknown key "feed" (did you mean "feeds"?): known keys are state, lease_ttl, websub, slack_admins, schedule, timezone, backfill, retention, stale_after, max_new_items, min_interval, max_interval, budget, http, feeds, lists, destinations, default_notify, health_notify, rules`}},
		{"an unknown key of a feed names the feed's keys",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    tag: [x]\n",
			[]string{`4:5: feeds[0]: unknown key "tag" (did you mean "tags"?): known keys are name, url, lang, schedule, stale_after, max_new_items, min_interval, max_interval, budget, timezone, tags, html, telegram, sitemap, json`}},
		{"tags given as one string are a wrong type",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    tags: russia\n",
			[]string{`4:11: feeds[0].tags: want a list of strings, such as [a, b], got a string`}},
		{"a tag that is a mapping is a wrong type",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    tags: [ok, {a: b}]\n",
			[]string{`4:16: feeds[0].tags[1]: want a string, got a mapping`}},
		{"a section given as a scalar is a wrong type",
			"http: 30s\n",
			[]string{`1:7: http: want a mapping with keys such as timeout, max_body, max_text, user_agent, deny_private, got a string`}},
		{"lists given as a list are a wrong type",
			"lists: [nato, west]\n",
			[]string{`1:8: lists: want a mapping of names, got a list`}},
		{"feeds given as a mapping are a wrong type",
			"feeds:\n  kremlin: {url: x}\n",
			[]string{`2:3: feeds: want a list of feeds, each a mapping with name and url, got a mapping`}},
		{"a key given twice points at the second",
			"feeds:\n  - name: f\n    url: https://e.org/feed\n    name: g\n",
			[]string{`4:5: feeds[0]: key "name" appears twice (first at line 2)`}},
		{"a feed name used twice points at the second",
			"feeds:\n  - name: f\n    url: https://e.org/a\n  - name: f\n    url: https://e.org/b\n",
			[]string{`4:11: feeds[1].name: duplicate feed name "f" (first at line 2)`}},
		{"a rule name used twice points at the second",
			withLog + "rules:\n  - {name: r, query: a}\n  - {name: r, query: b}\n",
			[]string{`5:12: rules[1].name: duplicate rule name "r" (first at line 4)`}},
		{"a name with a space is refused",
			"feeds:\n  - name: kremlin en\n    url: https://e.org/a\n",
			[]string{`2:11: feeds[0].name: invalid feed name "kremlin en": use only letters, digits, '-' and '_'`}},
		{"a list name that a query could not write is refused",
			"lists:\n  na.to: [NATO]\n",
			[]string{`2:3: lists: invalid list name "na.to": use only letters, digits, '-' and '_'`}},
		{"a feed without url points at the feed",
			"feeds:\n  - name: f\n",
			[]string{`2:5: feeds[0]: missing required key "url"`}},
		{"a rule without name and query points at the rule",
			withLog + "rules:\n  - description: nothing else\n",
			[]string{`4:5: rules[0]: missing required key "name"`, `4:5: rules[0]: missing required key "query"`}},
		{"a key with no value is empty",
			withLog + "rules:\n  - name: r\n    query:\n",
			[]string{`5:5: rules[0].query: must not be empty`}},
		{"an empty file is an error",
			"",
			[]string{`1:1: empty configuration: nothing to check (see the example rules.yaml)`}},
		{"a file of comments is empty",
			"# nothing yet\n\n",
			[]string{`1:1: empty configuration: nothing to check (see the example rules.yaml)`}},
		{"a root that is not a mapping is refused",
			"- feeds\n",
			[]string{`1:1: the configuration must be a mapping with keys such as feeds and rules, got a list`}},
		{"broken YAML is reported at the line and column of the fault",
			"state: a.db\nfeeds: x\n  bad: y\n",
			[]string{`3:3: this line is indented more than its siblings: 2 spaces where line 2 has 0`}},
		{"a second document is refused",
			"feeds: []\n---\nrules: []\n",
			[]string{`3:1: a second YAML document: the configuration is one document, remove the ---`}},
		{"a variable that is not set is named, at its $",
			"state: ${STATE_DIR}/attache.db\n",
			[]string{`1:8: state: environment variable STATE_DIR is not set`}},
		{"an unterminated reference is reported",
			"state: ab${STATE\n",
			[]string{`1:10: state: unterminated ${: close it with }, or write $$ for a literal $`}},
		{"a bad duration shows the right form",
			"retention: 90days\n",
			[]string{`1:12: retention: invalid duration "90days": use Go's syntax with d for days, such as 90d, 1d12h, 30m or 45s`}},
		{"a retention of zero would forget every item",
			"retention: 0s\n",
			[]string{`1:12: retention: must be more than 0`}},
		{"a bad size shows the right form",
			"http:\n  max_body: 10 megabytes\n",
			[]string{`2:13: http.max_body: invalid size "10 megabytes": use a number of bytes with KiB, MiB or GiB (or KB, MB, GB), such as 10MiB`}},
		{"deny_private that is not true or false is refused",
			"http:\n  deny_private: yes\n",
			[]string{`2:17: http.deny_private: want true or false, got "yes"`}},
		{"deny_private given as a number is refused",
			"http:\n  deny_private: 1\n",
			[]string{`2:17: http.deny_private: want true or false, got "1"`}},
		{"deny_private given as a list is refused",
			"http:\n  deny_private: [true]\n",
			[]string{`2:17: http.deny_private: want true or false, got a list`}},
		{"a bad cron spec quotes cron's reason",
			"schedule: \"*/5 * *\"\n",
			[]string{`1:11: schedule: invalid schedule "*/5 * *": expected exactly 5 fields, found 3: [*/5 * *] (use 5 cron fields such as "*/5 * * * *", @every 10m, @hourly, @daily, or adaptive)`}},
		{"a feed's bad schedule is reported at the feed",
			"feeds:\n  - name: f\n    url: https://e.org/a\n    schedule: \"@every often\"\n",
			[]string{`4:15: feeds[0].schedule: invalid schedule "@every often": failed to parse duration @every often: time: invalid duration "often" (use 5 cron fields such as "*/5 * * * *", @every 10m, @hourly, @daily, or adaptive)`}},
		{"an interval under a second is refused, not rounded up",
			"schedule: \"@every 250ms\"\n",
			[]string{`1:11: schedule: invalid schedule "@every 250ms": an interval under 1s is not supported (it would run every second) (use 5 cron fields such as "*/5 * * * *", @every 10m, @hourly, @daily, or adaptive)`}},
		{"the flood guard wants a whole number",
			"max_new_items: many\n",
			[]string{`1:16: max_new_items: want a whole number, 1 or more, such as 200`}},
		{"a feed's flood guard too",
			"feeds:\n  - name: f\n    url: https://e.org/a\n    max_new_items: 0\n",
			[]string{`4:20: feeds[0].max_new_items: want a whole number, 1 or more, such as 200`}},
		{"a telegram source wants the channel's web preview",
			"feeds:\n  - name: a\n    url: https://t.me/MID_Russia\n    telegram: {}\n",
			[]string{`3:10: feeds[0].url: "https://t.me/MID_Russia" is the channel's invitation page, which lists no message: use its web preview, https://t.me/s/MID_Russia`}},
		{"a telegram source pages back within bounds",
			"feeds:\n  - name: b\n    url: https://t.me/s/MID_Russia\n    telegram: {max_pages: 99}\n",
			[]string{`4:27: feeds[0].telegram.max_pages: max_pages: 99 is out of range: give 1 to 50 pages (0 or none means 5)`}},
		{"a source has one kind",
			"feeds:\n  - name: c\n    url: https://t.me/s/MID_Russia\n    html: {item: div}\n    telegram: {}\n",
			[]string{`5:15: feeds[0].telegram: a source has one kind: html or telegram, not both`}},
		{"a websub callback must be an absolute URL with a path of its own",
			"websub: {callback_url: \"https://attache.example.org\"}\nfeeds:\n  - {name: a, url: https://example.org/feed}\n",
			[]string{`1:24: websub.callback_url: "https://attache.example.org" has no path: give one of its own, such as https://attache.example.org/websub, so that the status page and /metrics stay apart`}},
		{"a websub section needs its callback",
			"websub: {lease: 10d}\nfeeds:\n  - {name: a, url: https://example.org/feed}\n",
			[]string{`1:9: websub: missing required key "callback_url"`}},
		{"a sitemap that follows pages needs the selector of their text",
			"feeds:\n  - name: a\n    url: https://www.nato.int/sitemap.xml\n    sitemap: {follow: true, title: h1}\n",
			[]string{`4:23: feeds[0].sitemap.follow: follow: true needs content: the selector of the text on each page, such as "main" or "div.article-body"`}},
		{"a sitemap's page title needs an element",
			"feeds:\n  - name: a\n    url: https://www.nato.int/sitemap.xml\n    sitemap: {follow: true, content: main, title: \"@content\"}\n",
			[]string{`4:51: feeds[0].sitemap.title: "@content" is read on each page, so it needs a selector before the @, such as "meta[name=description]@content"`}},
		{"a sitemap's pattern is checked where it is written",
			"feeds:\n  - name: a\n    url: https://www.nato.int/sitemap.xml\n    sitemap: {include: [\"/en/news/\", \"news\"]}\n",
			[]string{`4:38: feeds[0].sitemap.include[1]: "news" is neither a path prefix (starting with /) nor an address (starting with https://): write "/news"`}},
		{"an adaptive schedule's budget must cover max_interval",
			"schedule: adaptive\nmax_interval: 1h\nbudget: 10/day\n",
			[]string{`3:9: budget: 10/day cannot poll even every max_interval 1h0m0s: that needs 24/day`}},
		{"adaptive bounds on a feed want schedule: adaptive",
			"feeds:\n  - name: f\n    url: https://e.org/a\n    min_interval: 2m\n",
			[]string{`2:5: feeds[0]: min_interval, max_interval, budget and timezone shape an adaptive schedule: give the feed schedule: adaptive`}},
		{"an adaptive feed's time zone is an IANA name",
			"feeds:\n  - name: f\n    url: https://e.org/a\n    schedule: adaptive\n    timezone: Europe/Mnsk\n",
			[]string{`5:15: feeds[0].timezone: unknown time zone "Europe/Mnsk": use an IANA name such as Europe/Minsk`}},
		{"a spec that makes cron panic is only an error",
			"schedule: TZ=UTC\n",
			[]string{`1:11: schedule: invalid schedule "TZ=UTC": malformed spec (use 5 cron fields such as "*/5 * * * *", @every 10m, @hourly, @daily, or adaptive)`}},
		{"an unknown time zone is refused",
			"timezone: Europe/Mosow\n",
			[]string{`1:11: timezone: unknown time zone "Europe/Mosow": use an IANA name such as UTC or Europe/Moscow`}},
		{"a feed URL of another scheme is refused",
			"feeds:\n  - name: f\n    url: ftp://e.org/feed\n",
			[]string{`3:10: feeds[0].url: unsupported URL scheme "ftp": use http, https, file, or a plain path`}},
		{"an http URL without a host is refused",
			"feeds:\n  - name: f\n    url: https:///feed\n",
			[]string{`3:10: feeds[0].url: URL "https:///feed" has no host`}},
		{"a language that is not a code is refused",
			"feeds:\n  - name: f\n    url: https://e.org/a\n    lang: english\n",
			[]string{`4:11: feeds[0].lang: invalid language "english": use a 2 or 3 letter code such as en, ru or en-GB`}},
		{"a rule's feeds entry that is neither feed nor tag is refused",
			"feeds:\n  - {name: kremlin-en, url: \"https://e.org/f\", tags: [russia]}\n" + withLog +
				"rules:\n  - {name: r, query: a, feeds: [kremlin-ru, russia]}\n",
			[]string{`6:33: rules[0].feeds[0]: unknown feed or tag "kremlin-ru" (did you mean "kremlin-en"?)`}},
		{"notify and default_notify must name destinations",
			"destinations: {log: {type: console}}\ndefault_notify: [logs]\nrules:\n  - {name: r, query: a, notify: [slack]}\n",
			[]string{`2:18: default_notify[0]: unknown destination "logs": defined are log`,
				`4:34: rules[0].notify[0]: unknown destination "slack": defined are log`}},
		{"health_notify must name destinations",
			"destinations: {log: {type: console}}\nhealth_notify: [oncall]\n",
			[]string{`2:17: health_notify[0]: unknown destination "oncall": defined are log`}},
		{"stale_after must be a duration, globally and per feed",
			"stale_after: soon\nfeeds:\n  - {name: f, url: \"https://e.org/a\", stale_after: 0s}\n",
			[]string{`1:14: stale_after: invalid duration "soon": use Go's syntax with d for days, such as 90d, 1d12h, 30m or 45s`,
				`3:52: feeds[0].stale_after: must be more than 0`}},
		{"a rule with nowhere to send is refused",
			"rules:\n  - name: r\n    query: a\n",
			[]string{`2:5: rules[0]: no destination: give the rule notify: [NAME], or set default_notify`}},
		{"an unknown severity lists the known ones",
			withLog + "rules:\n  - name: r\n    query: a\n    severity: urgent\n",
			[]string{`6:15: rules[0].severity: unknown severity "urgent": use info, warning, high or critical`}},
		{"a tag named like a feed is ambiguous",
			"feeds:\n  - {name: russia, url: \"https://e.org/a\"}\n  - {name: b, url: \"https://e.org/b\", tags: [russia]}\n",
			[]string{`3:46: tag "russia" is also the name of the feed at line 2: a rule's feeds entry could not tell them apart`}},
		{"an empty list is refused",
			"lists:\n  nato: []\n",
			[]string{`2:3: lists.nato: empty list: give at least one term, such as [NATO, "North Atlantic Alliance"]`}},
		{"destinations are checked against their type",
			"destinations:\n  bot:\n    type: slack\n    api_url: slack.com/api\n" +
				"  hook:\n    type: slack-webhook\n    url: ${SLACK_BOT_TOKEN}\n" +
				"  mail:\n    type: email\n" +
				"  log:\n    type: console\n    channel: \"#x\"\n    burst_limit: 0\n",
			[]string{
				`3:5: destinations.bot: type slack needs channel`,
				`3:5: destinations.bot: type slack needs token`,
				`4:14: destinations.bot.api_url: want an http or https URL, such as https://slack.com/api/`,
				`7:10: destinations.hook.url: want an http or https URL, such as https://hooks.slack.com/services/... (value not shown)`,
				`9:11: destinations.mail.type: unknown type "email": use slack, slack-webhook or console`,
				`12:5: destinations.log: key "channel" does not apply to type console (its keys: type, burst_limit, group_by)`,
				`13:18: destinations.log.burst_limit: want a whole number of alerts, 1 or more, such as 20`,
			}},
		{"a destination without type is refused",
			"destinations:\n  bot:\n    channel: x\n",
			[]string{`3:5: destinations.bot: missing required key "type"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problems(t, tt.yaml); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestEveryProblemOfAFileIsReportedInOrder(t *testing.T) {
	yaml := `retention: forever
feeds:
  - name: a b
    url: ftp://x
  - url: https://e.org/feed
lists:
  nato: [NATO, "--"]
destinations:
  log: {type: console, token: x}
rules:
  - name: r
    query: '@nato AND (x'
    notify: [log, slack]
    severity: loud
`
	want := []string{
		`1:12: retention: invalid duration "forever": use Go's syntax with d for days, such as 90d, 1d12h, 30m or 45s`,
		`3:11: feeds[0].name: invalid feed name "a b": use only letters, digits, '-' and '_'`,
		`4:10: feeds[0].url: unsupported URL scheme "ftp": use http, https, file, or a plain path`,
		`5:5: feeds[1]: missing required key "name"`,
		`7:16: lists.nato[1]: a term needs letters or digits: --`,
		`9:24: destinations.log: key "token" does not apply to type console (its keys: type, burst_limit, group_by)`,
		`12:23: rules[0].query: unbalanced parenthesis: ( is never closed`,
		`13:19: rules[0].notify[1]: unknown destination "slack": defined are log`,
		`14:15: rules[0].severity: unknown severity "loud": use info, warning, high or critical`,
	}
	if got := problems(t, yaml); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
