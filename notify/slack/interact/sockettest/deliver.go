package sockettest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// Deliver sends one request of type typ ("slash_commands", "interactive",
// "events_api") with payload, in Slack's envelope, on the newest live
// connection, and waits for its acknowledgement. It fails when no
// connection is live, when no acknowledgement comes within AckTimeout, or
// when the acknowledgement is as large as Slack would drop; the Ack is
// returned in that last case too, for the test to look at.
func (s *Server) Deliver(ctx context.Context, typ string, payload any) (Ack, error) {
	c, err := s.current()
	if err != nil {
		return Ack{}, err
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return Ack{}, fmt.Errorf("sockettest: payload: %w", err)
	}
	ch := make(chan Ack, 1)
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("%08x-5e7d-4c1a-9f00-%012x", time.Now().UnixNano()&0xffffffff, s.nextID)
	s.pending[id] = ch
	s.sent[id] = time.Now()
	s.mu.Unlock()
	env, err := json.Marshal(map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  json.RawMessage(raw),
		"accepts_response_payload": typ == "slash_commands",
		"retry_attempt":            0,
		"retry_reason":             "",
	})
	if err != nil {
		return Ack{}, err
	}
	if err := c.write(env); err != nil {
		return Ack{}, fmt.Errorf("sockettest: send %s: %w", typ, err)
	}
	timeout := s.AckTimeout
	if timeout <= 0 {
		timeout = DefaultAckTimeout
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case ack := <-ch:
		if ack.Size >= MaxAckBytes {
			return ack, fmt.Errorf("sockettest: acknowledgement of %d bytes, which Slack drops (limit %d)", ack.Size, MaxAckBytes)
		}
		return ack, nil
	case <-t.C:
		s.mu.Lock()
		delete(s.pending, id)
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("sockettest: no acknowledgement of %s %s within %v", typ, id, timeout)
	case <-ctx.Done():
		return Ack{}, ctx.Err()
	}
}

// SlashCommand delivers a slash command, as Slack does when someone types
// it.
func (s *Server) SlashCommand(ctx context.Context, cmd slack.SlashCommand) (Ack, error) {
	return s.Deliver(ctx, "slash_commands", cmd)
}

// BlockActions is a click on a message's control, as Slack describes it.
type BlockActions struct {
	UserID, ChannelID, ChannelName string
	// MessageTs and Message are the message clicked on: Message is its JSON
	// as Slack holds it (see MessageJSON).
	MessageTs   string
	Message     json.RawMessage
	ResponseURL string
	Actions     []Action
}

// Action is one control's action. A menu sends its SelectedValue, a button
// its Value.
type Action struct {
	ActionID, BlockID string
	// Type is "button" or "static_select".
	Type          string
	Value         string
	SelectedValue string
}

// Click delivers block actions, as Slack does when someone clicks a button
// or picks from a menu.
func (s *Server) Click(ctx context.Context, b BlockActions) (Ack, error) {
	acts := make([]map[string]any, 0, len(b.Actions))
	for _, a := range b.Actions {
		m := map[string]any{"action_id": a.ActionID, "block_id": a.BlockID, "type": a.Type, "action_ts": "1700000000.000100"}
		if a.Type == "static_select" {
			m["selected_option"] = map[string]any{"text": map[string]any{"type": "plain_text", "text": "option"}, "value": a.SelectedValue}
		} else {
			m["value"] = a.Value
			m["text"] = map[string]any{"type": "plain_text", "text": "button"}
		}
		acts = append(acts, m)
	}
	return s.Deliver(ctx, "interactive", map[string]any{
		"type":         "block_actions",
		"api_app_id":   "A0SOCKTEST",
		"token":        "verification-token-unused-in-socket-mode",
		"trigger_id":   "1.2.3",
		"team":         map[string]any{"id": "T0SOCKTEST", "domain": "sockettest"},
		"user":         map[string]any{"id": b.UserID, "username": "user", "name": "user", "team_id": "T0SOCKTEST"},
		"container":    map[string]any{"type": "message", "message_ts": b.MessageTs, "channel_id": b.ChannelID, "is_ephemeral": false},
		"channel":      map[string]any{"id": b.ChannelID, "name": b.ChannelName},
		"message":      b.Message,
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": b.ResponseURL,
		"actions":      acts,
	})
}

// MessageJSON is a bot's message as Slack holds it and sends it back in a
// click: its ts, fallback text and blocks.
func MessageJSON(ts, text string, blocks []slack.Block) (json.RawMessage, error) {
	return json.Marshal(map[string]any{
		"type": "message", "subtype": "bot_message", "bot_id": "B0SOCKTEST",
		"ts": ts, "text": text, "blocks": blocks,
	})
}

// Disconnect asks the client to reconnect, as Slack does before it
// recycles a connection (reason "refresh_requested", "warning"…).
func (s *Server) Disconnect(reason string) error {
	c, err := s.current()
	if err != nil {
		return err
	}
	msg, err := json.Marshal(map[string]any{"type": "disconnect", "reason": reason,
		"debug_info": map[string]any{"host": "sockettest"}})
	if err != nil {
		return err
	}
	return c.write(msg)
}

// Drop cuts every live connection without a word, as a network failure
// does.
func (s *Server) Drop() {
	s.mu.Lock()
	live := append([]*conn(nil), s.live...)
	s.mu.Unlock()
	for _, c := range live {
		_ = c.ws.UnderlyingConn().Close()
	}
}
