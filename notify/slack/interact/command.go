package interact

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Bounds of a mute set by command: shorter is a typo, longer belongs in
// rules.yaml.
const (
	minMute = time.Minute
	maxMute = 30 * 24 * time.Hour
	// testWindow is how far back /attache test looks, and testFirst how many
	// matches it shows.
	testWindow = 7 * 24 * time.Hour
	testFirst  = 5
)

// working is the acknowledgement of a command whose answer will follow.
const working = "Working on it…"

const helpText = "*/attache* acts on attaché's alerts:\n" +
	"• `/attache status`: failing sources, the queue, the last alerts\n" +
	"• `/attache test QUERY`: what QUERY matches among the items of the last 7 days\n" +
	"• `/attache mute RULE|SOURCE DURATION [REASON]`: no alerts from it for a while (`30m`, `8h`, `7d`, `2w`; at most 30 days)\n" +
	"• `/attache unmute RULE|SOURCE`: end a mute\n" +
	"• `/attache mutes`: the mutes in force\n" +
	"• `/attache rules`: the rules\n" +
	"Write `rule:NAME` or `source:NAME` when a rule and a source have the same name."

// onCommand answers a slash command. The answer goes in the
// acknowledgement when it is ready within AckBudget; otherwise the
// acknowledgement says it is coming and the answer follows through the
// command's response_url.
func (a *App) onCommand(ctx context.Context, req socketmode.Request, cmd slack.SlashCommand) {
	a.spawn(ctx, "slash_commands", func(wctx context.Context) {
		done := make(chan reply, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					a.log.Error("slack app: command failed", keyCommand, cmd.Text, keyError, fmt.Sprint(p))
					done <- reply{Text: "That went wrong inside attaché; see the daemon's log."}
				}
			}()
			done <- a.command(wctx, cmd)
		}()
		t := time.NewTimer(a.o.AckBudget)
		defer t.Stop()
		select {
		case r := <-done:
			a.ack(ctx, req, r.payload())
			return
		case <-t.C:
			a.ack(ctx, req, reply{Text: working}.payload())
		}
		r := <-done
		if err := a.respond(wctx, cmd.ResponseURL, r); err != nil {
			a.log.Warn("slack app: cannot send a command's answer", keyUser, cmd.UserID, keyError, a.errText(err))
		}
	})
}

// command carries out one /attache command.
func (a *App) command(ctx context.Context, cmd slack.SlashCommand) reply {
	verb, rest := cut(unescape(cmd.Text))
	verb = strings.ToLower(verb)
	if verb == "" || verb == "help" {
		return reply{Text: helpText}
	}
	ok, err := a.access.allowed(ctx, cmd.UserID, cmd.ChannelID)
	if err != nil {
		a.log.Error("slack app: cannot check who may act", keyUser, cmd.UserID, keyChannel, cmd.ChannelID, keyError, a.errText(err))
		return reply{Text: cannotCheck}
	}
	if !ok {
		a.log.Warn("slack app: command refused", keyUser, cmd.UserID, keyChannel, cmd.ChannelID, keyCommand, verb)
		return reply{Text: notAllowed}
	}
	a.log.Info("slack app: command", keyUser, cmd.UserID, keyChannel, cmd.ChannelID, keyCommand, verb)
	switch verb {
	case "status":
		return a.status(ctx)
	case "test":
		return a.test(ctx, rest)
	case "mute":
		return a.mute(ctx, cmd.UserID, rest)
	case "unmute":
		return a.unmute(ctx, cmd.UserID, rest)
	case "mutes":
		return a.mutes(ctx)
	case "rules":
		return a.rules(ctx)
	}
	return reply{Text: "There is no command “" + escapeArg(verb) + "”.\n" + helpText}
}

// unescape undoes what Slack does to a command's text (&, < and > come as
// entities) and the curly quotes that clients type in place of straight
// ones, which a query needs for its phrases.
var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&",
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`).Replace

// cut splits off the first word.
func cut(s string) (first, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

var durationForm = regexp.MustCompile(`^(\d{1,5}[wdhm])+$`)
var durationPart = regexp.MustCompile(`(\d+)([wdhm])`)

// parseDuration reads 30m, 8h, 7d, 2w or their sums (1d12h).
func parseDuration(s string) (time.Duration, error) {
	s = strings.ToLower(s)
	bad := fmt.Errorf("“%s” is not a duration: write 30m, 8h, 7d or 2w (at most 30 days)", escapeArg(s))
	if !durationForm.MatchString(s) {
		return 0, bad
	}
	units := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}
	var d time.Duration
	for _, p := range durationPart.FindAllStringSubmatch(s, -1) {
		n, err := strconv.Atoi(p[1])
		if err != nil {
			return 0, bad
		}
		d += time.Duration(n) * units[p[2]]
		if d > maxMute {
			return 0, fmt.Errorf("%s is longer than 30 days: for that, change the rules", escapeArg(s))
		}
	}
	if d < minMute {
		return 0, fmt.Errorf("%s is too short: a mute lasts at least a minute", escapeArg(s))
	}
	return d, nil
}
