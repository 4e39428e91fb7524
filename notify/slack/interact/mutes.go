package interact

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/attache-dev/attache"
	render "github.com/attache-dev/attache/notify/slack"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

const maxReason = 200 // characters of a mute's reason

// mute carries out "/attache mute TARGET DURATION [REASON]". Its answer is
// shown to the whole channel: the others should know why alerts stop.
func (a *App) mute(ctx context.Context, user, args string) reply {
	arg, rest := cut(args)
	durArg, reason := cut(rest)
	if arg == "" || durArg == "" {
		return reply{Text: "Write `/attache mute RULE|SOURCE DURATION [REASON]`, as `/attache mute nato-west 8h`."}
	}
	d, err := parseDuration(durArg)
	if err != nil {
		return reply{Text: err.Error()}
	}
	kind, name, msg := a.resolve(ctx, arg, nil)
	if msg != "" {
		return reply{Text: msg}
	}
	now := a.o.Now()
	m := attache.Mute{Kind: kind, Name: name, Until: now.Add(d), By: user, At: now,
		Reason: strings.Join(strings.Fields(reason), " ")}
	if r := []rune(m.Reason); len(r) > maxReason {
		m.Reason = string(r[:maxReason])
	}
	if err := a.o.Mutes.SetMute(ctx, m); err != nil {
		a.log.Error("slack app: cannot mute", keyUser, user, keyKind, string(kind), keyName, name, keyError, a.errText(err))
		return reply{Text: "The mute could not be saved; see the daemon's log."}
	}
	a.log.Info("slack app: muted", keyUser, user, keyKind, string(kind), keyName, name, keyUntil, m.Until)
	text := fmt.Sprintf("%s muted for %s (until %s) by %s", target(kind, name), render.DurationText(d), when(m.Until), mention(user))
	if m.Reason != "" {
		text += ": " + render.EscapeText(m.Reason, maxReason)
	}
	return reply{Text: text + ".", InChannel: true}
}

// unmute carries out "/attache unmute TARGET".
func (a *App) unmute(ctx context.Context, user, args string) reply {
	arg, _ := cut(args)
	if arg == "" {
		return reply{Text: "Write `/attache unmute RULE|SOURCE`; `/attache mutes` lists the mutes."}
	}
	active, err := a.o.Mutes.ActiveMutes(ctx, a.o.Now())
	if err != nil {
		a.log.Error("slack app: cannot list mutes", keyError, a.errText(err))
		return reply{Text: "The mutes could not be read; see the daemon's log."}
	}
	kind, name, msg := a.resolve(ctx, arg, active)
	if msg != "" {
		return reply{Text: msg}
	}
	was, err := a.o.Mutes.Unmute(ctx, kind, name, a.o.Now())
	if err != nil {
		a.log.Error("slack app: cannot unmute", keyUser, user, keyKind, string(kind), keyName, name, keyError, a.errText(err))
		return reply{Text: "The mute could not be ended; see the daemon's log."}
	}
	if !was {
		return reply{Text: target(kind, name) + " was not muted."}
	}
	a.log.Info("slack app: unmuted", keyUser, user, keyKind, string(kind), keyName, name)
	return reply{Text: fmt.Sprintf("%s unmuted by %s.", target(kind, name), mention(user)), InChannel: true}
}

// mutes carries out "/attache mutes".
func (a *App) mutes(ctx context.Context) reply {
	now := a.o.Now()
	active, err := a.o.Mutes.ActiveMutes(ctx, now)
	if err != nil {
		a.log.Error("slack app: cannot list mutes", keyError, a.errText(err))
		return reply{Text: "The mutes could not be read; see the daemon's log."}
	}
	if len(active) == 0 {
		return reply{Text: "Nothing is muted."}
	}
	slices.SortFunc(active, func(x, y attache.Mute) int { return x.Until.Compare(y.Until) })
	line := func(i int) string {
		m := active[i]
		l := fmt.Sprintf("• %s until %s (%s left), by %s", target(m.Kind, m.Name), when(m.Until),
			render.DurationText(m.Until.Sub(now)), mention(m.By))
		if m.Reason != "" {
			l += ": " + render.EscapeText(m.Reason, maxReason)
		}
		return l
	}
	return reply{Text: fit(fmt.Sprintf("*%d muted*", len(active)), len(active), line, moreLines)}
}

// resolve reads a mute's target: rule:NAME, source:NAME, or a NAME that
// only a rule or only a source has. To unmute, the active mutes count too,
// so that a mute of a rule since removed can still be ended. It returns a
// message for the person when the target is wrong.
func (a *App) resolve(ctx context.Context, arg string, active []attache.Mute) (attache.MuteKind, string, string) {
	var kind attache.MuteKind
	name := arg
	if k, n, ok := strings.Cut(arg, ":"); ok {
		switch strings.ToLower(k) {
		case "rule":
			kind = attache.MuteRule
		case "source", "feed":
			kind = attache.MuteSource
		default:
			return "", "", "Write `rule:NAME` or `source:NAME`, not “" + escapeArg(k) + ":”."
		}
		name = n
	}
	if !validName.MatchString(name) {
		return "", "", "“" + escapeArg(name) + "” is not a rule's or a source's name."
	}
	isRule, isSource, err := a.known(ctx, name)
	if err != nil {
		a.log.Error("slack app: cannot list rules and sources", keyError, a.errText(err))
		return "", "", "The rules and sources could not be read; see the daemon's log."
	}
	for _, m := range active {
		if m.Name == name {
			isRule = isRule || m.Kind == attache.MuteRule
			isSource = isSource || m.Kind == attache.MuteSource
		}
	}
	switch {
	case kind == attache.MuteRule && isRule, kind == attache.MuteSource && isSource:
		return kind, name, ""
	case kind != "":
		return "", "", fmt.Sprintf("There is no %s named *%s*: `/attache rules` lists the rules, `/attache status` the sources.", kind, escapeArg(name))
	case isRule && isSource:
		return "", "", fmt.Sprintf("*%s* is a rule and a source: write `rule:%[1]s` or `source:%[1]s`.", escapeArg(name))
	case isRule:
		return attache.MuteRule, name, ""
	case isSource:
		return attache.MuteSource, name, ""
	}
	return "", "", fmt.Sprintf("There is no rule or source named *%s*: `/attache rules` lists the rules, `/attache status` the sources.", escapeArg(name))
}

// known reports whether name is a configured rule and a configured source.
func (a *App) known(ctx context.Context, name string) (isRule, isSource bool, err error) {
	rules, err := a.o.Inspector.Rules(ctx)
	if err != nil {
		return false, false, err
	}
	st, err := a.o.Inspector.Status(ctx, 0)
	if err != nil {
		return false, false, err
	}
	isRule = slices.ContainsFunc(rules, func(r Rule) bool { return r.Name == name })
	isSource = slices.ContainsFunc(st.Sources, func(s Source) bool { return s.Name == name })
	return isRule, isSource, nil
}

// escapeArg is what a person typed, made safe to show back.
func escapeArg(s string) string { return render.EscapeText(s, 100) }
