package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSecretNeverPrintsItsValue(t *testing.T) {
	s := Secret(testToken)
	d := Destination{Name: "bot", Type: TypeSlack, Token: s, URL: Secret(testWebhook)}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("loaded", "token", s, "destination", d)
	jsonOut, _ := json.Marshal(d)
	yamlOut, _ := yaml.Marshal(d)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s),
		"%x": fmt.Sprintf("%x", s), "%#v": fmt.Sprintf("%#v", s), "%d": fmt.Sprintf("%d", s),
		"%+v of a destination": fmt.Sprintf("%+v", d), "%#v of a destination": fmt.Sprintf("%#v", d),
		"slog": logged.String(), "JSON": string(jsonOut), "YAML": string(yamlOut),
	}
	for name, out := range outputs {
		if strings.Contains(out, "SECRET") || !strings.Contains(out, "[redacted]") {
			t.Errorf("%s printed %q, want [redacted] and no secret", name, out)
		}
	}
	if s.Value() != testToken {
		t.Errorf("Value() = %q, want the token", s.Value())
	}
	if Secret("").String() != "" {
		t.Errorf("an empty secret prints %q, want nothing", Secret("").String())
	}
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{"a token with text around it", "destinations:\n  bot: {type: slack, channel: C1, token: \"Bearer ${SLACK_BOT_TOKEN}\"}\n"},
		{"a webhook URL with a broken scheme", "destinations:\n  hook: {type: slack-webhook, url: \"htp://${SLACK_WEBHOOK_URL}\"}\n"},
		{"a token given as a webhook URL", "destinations:\n  hook: {type: slack-webhook, url: \"${SLACK_BOT_TOKEN}\"}\n"},
		{"a token on a destination that takes none", "destinations:\n  log: {type: console, token: \"${SLACK_BOT_TOKEN}\"}\n"},
		{"a token from the environment in a field that quotes its value",
			"timezone: ${SLACK_BOT_TOKEN}\n"},
		{"a token written in the file, repeated in a field that quotes its value",
			"timezone: xoxb-1111-2222-SECRETTOKEN\ndestinations:\n  bot: {type: slack, channel: C1, token: xoxb-1111-2222-SECRETTOKEN}\n"},
		{"a token in a query that quotes it",
			"destinations:\n  log: {type: console}\nrules:\n  - {name: r, query: \"@${SLACK_BOT_TOKEN}\", notify: [log]}\n"},
		{"a secret next to a missing variable", "destinations:\n  bot: {type: slack, channel: C1, token: \"${SLACK_BOT_TOKEN}${NOPE}\"}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "rules.yaml", testEnv)
			var errs *Errors
			if !errors.As(err, &errs) || len(errs.List) == 0 {
				t.Fatalf("Parse = %v, want problems", err)
			}
			for _, e := range errs.List {
				for _, secret := range []string{testToken, testWebhook, "SECRETTOKEN", "SECRETHOOK"} {
					if strings.Contains(e.Error(), secret) {
						t.Errorf("error %q shows a secret", e.Error())
					}
				}
			}
		})
	}
}

func TestLoadedConfigPrintsNoSecret(t *testing.T) {
	c, err := Parse([]byte(specExample), "rules.yaml", testEnv)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("%+v %v", c, c.Destinations)
	if strings.Contains(out, "SECRET") {
		t.Errorf("printing the config shows a secret: %s", out)
	}
	if c.Destinations["analysts"].Token.Value() != testToken || c.Destinations["oncall"].URL.Value() != testWebhook {
		t.Errorf("secrets were not loaded from the environment")
	}
}
