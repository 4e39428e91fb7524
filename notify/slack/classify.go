package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attache-dev/attache/internal/retry"
	"github.com/attache-dev/attache/notify"
)

// Codes of failures that Slack did not name.
const (
	codeRateLimited = "ratelimited" // Slack's own name for a 429
	codeTimeout     = "timeout"
	codeCanceled    = "canceled"
	codeNetwork     = "network"      // no answer, the request not written: refused, DNS, TLS
	codeNoAnswer    = "no_answer"    // the request written, the connection lost before an answer
	codeBadAnswer   = "bad_response" // a 200 whose body could not be read
)

// A 429 that does not say how long to wait is waited this long; one that
// asks for longer than maxRetryAfter (a broken proxy, most likely) is waited
// that long.
const (
	defaultRetryAfter = 30 * time.Second
	maxRetryAfter     = time.Hour
)

// transientCodes are the error codes of Slack's that may pass: the Web
// API's answers with "ok": false that mean Slack, not the request, had a
// problem, and the code of an incoming webhook's 500.
//
// Every other code is permanent, whether known or not. Known ones are about
// the token (invalid_auth, not_authed, account_inactive, token_revoked,
// token_expired, team_access_not_granted), permissions (no_permission,
// missing_scope, restricted_action), the channel (channel_not_found,
// not_in_channel, is_archived) or the message (invalid_blocks,
// invalid_blocks_format, msg_too_long, no_text, invalid_arguments); sending
// the same message again cannot change any of them. An unknown code is
// permanent too: "ok": false means Slack read the request and refused it,
// and Slack names its passing troubles with the codes below. Retrying a
// refusal would hide it for a day (the dispatcher's MaxAge) behind
// "retrying", where a dead alert shows the code to an operator at once.
var transientCodes = map[string]bool{
	"ratelimited":         true,
	"rate_limited":        true,
	"fatal_error":         true,
	"internal_error":      true,
	"service_unavailable": true,
	"request_timeout":     true,
	"rollup_error":        true,
}

// classify reads the outcome of one request to Slack as a *notify.SendError:
// whether trying again may help, whether the message may have arrived all
// the same, how long Slack asked to be left alone, and a code for people
// and metrics. ans is what the transport saw of the answer; r takes secrets
// out of the error's text.
//
// The rule for an unknown outcome: the request was written out whole (the
// transport said so) and no answer came that says what Slack did with it
// (a timeout, a cancellation, a connection lost, a 200 whose body was cut).
// Slack may have posted the message. A failure before the request was
// written (refused, DNS, TLS, a dial timeout) cannot have posted anything,
// and an answer (a 429, a 5xx, "ok": false, a proxy's page) says it did
// not, or at least that Slack did not answer it.
func classify(err error, ans *answer, r redactor) error {
	if err == nil {
		return nil
	}
	var (
		limited *slack.RateLimitedError
		refusal slack.SlackErrorResponse
	)
	switch {
	case ans.status == http.StatusTooManyRequests || errors.As(err, &limited):
		wait := retryAfter(ans.retryAfter, time.Now())
		if ans.retryAfter == "" && limited != nil && limited.RetryAfter > 0 {
			wait = min(limited.RetryAfter, maxRetryAfter)
		}
		return notify.Transient(codeRateLimited, fmt.Errorf("slack answered %s: retry after %s", statusText(http.StatusTooManyRequests), wait), wait)

	case errors.As(err, &refusal):
		code := strings.TrimSpace(refusal.Err)
		e := r.Wrap(refusalError(refusal))
		if code == "ratelimited" || code == "rate_limited" {
			wait := retryAfter(ans.retryAfter, time.Now())
			return notify.Transient(code, e, wait)
		}
		if transientCodes[code] {
			return notify.Transient(code, e, 0)
		}
		return notify.Permanent(code, e)

	case ans.wrote.Load() && (ans.status == 0 || ans.status == http.StatusOK && !unreadable(err)):
		code := codeNoAnswer
		switch {
		case ans.status == http.StatusOK:
			code = codeBadAnswer
		case errors.Is(err, context.Canceled):
			code = codeCanceled
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			code = codeTimeout
		}
		return notify.OutcomeUnknown(code, r.Wrap(err))

	case errors.Is(err, context.Canceled):
		return notify.Transient(codeCanceled, r.Wrap(err), 0)

	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return notify.Transient(codeTimeout, r.Wrap(err), 0)

	case ans.status != 0 && ans.status != http.StatusOK:
		code := bodyCode(ans.body)
		if code == "" {
			code = "http_" + strconv.Itoa(ans.status)
		}
		e := errors.New("slack answered " + statusText(ans.status))
		if ans.status >= 500 || transientCodes[code] {
			return notify.Transient(code, e, 0)
		}
		// Other 4xx, and the 3xx that the client did not follow: the same
		// request would get the same answer.
		return notify.Permanent(code, e)

	case ans.status == http.StatusOK:
		// The answer began but could not be read: an HTML page from a proxy,
		// a connection cut in the middle of the body.
		return notify.Transient(codeBadAnswer, r.Wrap(err), 0)
	}
	// No answer at all: refused, reset, a name that did not resolve.
	return notify.Transient(codeNetwork, r.Wrap(err), 0)
}

// unreadable says err is a body read whole that is not Slack's JSON (a
// proxy's HTML page): an answer, though not Slack's, rather than a body cut
// short.
func unreadable(err error) bool {
	var (
		syntax   *json.SyntaxError
		mismatch *json.UnmarshalTypeError
	)
	return errors.As(err, &syntax) || errors.As(err, &mismatch)
}

// refusalError is the text of an "ok": false answer: the code alone, as
// slack-go gives it, unless Slack said more (the scope it wanted, what was
// wrong with the blocks).
func refusalError(e slack.SlackErrorResponse) error {
	var more []string
	if e.Needed != "" {
		more = append(more, "needed scope "+e.Needed)
	}
	if e.Provided != "" {
		more = append(more, "the token has "+e.Provided)
	}
	more = append(more, e.ResponseMetadata.Messages...)
	if len(more) == 0 {
		return errors.New(e.Err)
	}
	return errors.New(strings.Join(more, "; "))
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date. It is
// never less than a second (a 429 means "not now"), defaultRetryAfter when
// absent or unreadable, and at most maxRetryAfter.
func retryAfter(h string, now time.Time) time.Duration {
	d, ok := retry.After(h, now)
	if !ok {
		return defaultRetryAfter
	}
	return min(max(d, time.Second), maxRetryAfter)
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,63}$`)

// bodyCode finds Slack's error code in the body of an error answer: the
// Web API's {"ok": false, "error": "..."}, or an incoming webhook's bare
// "no_service". Anything else (an HTML page) has no code.
func bodyCode(body string) string {
	body = strings.TrimSpace(body)
	if strings.HasPrefix(body, "{") {
		var v struct {
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(body), &v) == nil && codePattern.MatchString(v.Error) {
			return v.Error
		}
		return ""
	}
	if codePattern.MatchString(body) {
		return body
	}
	return ""
}

func statusText(code int) string {
	return strings.TrimSpace(strconv.Itoa(code) + " " + http.StatusText(code))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Hint says what a person can do about a failure, given its code (a
// notify.SendError's Code) and the destination's channel ("" for a webhook):
//
//	not_in_channel: invite the app to #geo-alerts (/invite @yourapp in the channel)
//
// It is for `attache send-test` and for logs. It returns "" for a code it
// knows nothing about.
func Hint(code, channel string) string {
	where := channelName(channel)
	var advice string
	switch code {
	case "not_in_channel":
		advice = "invite the app to " + where + " (/invite @yourapp in the channel)"
	case "channel_not_found":
		advice = "check the channel id or name (" + where + "), and that the app can see it: a private channel must invite the app first"
	case "is_archived", "channel_is_archived":
		advice = where + " is archived: unarchive it or choose another channel"
	case "invalid_auth", "not_authed", "token_revoked":
		advice = "the bot token is wrong or revoked: check SLACK_BOT_TOKEN (a bot token starts with xoxb-)"
	case "token_expired":
		advice = "the bot token has expired: the app uses token rotation; give it a token that does not expire, or a fresh one"
	case "account_inactive":
		advice = "the token belongs to an app or user that was uninstalled or deactivated: reinstall the app and use its new token"
	case "team_access_not_granted":
		advice = "the token has no access to this workspace: install the app in it"
	case "missing_scope":
		advice = "the app needs the chat:write scope: add it under OAuth & Permissions, reinstall the app, and use the new token"
	case "no_permission", "restricted_action", "action_prohibited":
		advice = "the workspace does not let the app post in " + where + ": ask an admin to allow it, or choose another channel"
	case "posting_to_general_channel_denied":
		advice = "only admins may post in " + where + ": choose another channel"
	case "no_service", "invalid_token":
		advice = "the webhook URL is wrong or was revoked: create a new incoming webhook and update SLACK_WEBHOOK_URL"
	case "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "invalid_arguments", "invalid_payload":
		advice = "Slack refused the message itself: please report it, with the item that caused it"
	case "ratelimited", "rate_limited":
		advice = "Slack asks us to slow down: the alert is sent again after the wait it asked for"
	case "fatal_error", "internal_error", "service_unavailable", "request_timeout", "rollup_error", codeBadAnswer:
		advice = "Slack had a problem: the alert is sent again later (see https://slack-status.com)"
	case codeTimeout, codeNetwork:
		advice = "could not reach Slack: check the network, any proxy, and api_url"
	case codeNoAnswer:
		advice = "the connection to Slack was lost before it answered: check the network and any proxy; the message is looked for before it is sent again"
	default:
		if strings.HasPrefix(code, "http_5") {
			advice = "Slack had a problem: the alert is sent again later (see https://slack-status.com)"
		} else if code == "http_404" || code == "http_403" || code == "http_401" {
			advice = "check the URL and the credentials: Slack does not know this address or refuses it"
		}
	}
	if advice == "" {
		return ""
	}
	return code + ": " + advice
}

var channelID = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)

// channelName is how a hint names the channel: #name as configured, "the
// channel C0123456789" for an id, "the channel" for a webhook.
func channelName(channel string) string {
	channel = strings.TrimSpace(channel)
	switch {
	case channel == "":
		return "the channel"
	case strings.HasPrefix(channel, "#"):
		return channel
	case channelID.MatchString(channel):
		return "the channel " + channel
	}
	return "#" + channel
}

// Hint says what a person can do about a failed send to the channel, for
// the log line of a dead alert (notify.Hinter).
func (b *Bot) Hint(err error) string { return hintFor(err, b.channel) }

// Hint says what a person can do about a failed post to the webhook
// (notify.Hinter).
func (w *Webhook) Hint(err error) string { return hintFor(err, "") }

func hintFor(err error, channel string) string {
	if se, ok := errors.AsType[*notify.SendError](err); ok {
		return Hint(se.Code, channel)
	}
	return ""
}
