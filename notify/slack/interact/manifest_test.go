package interact

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestManifest checks that the app manifest in docs/ asks Slack for what
// the app relies on.
func TestManifest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "slack-app-manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			BotUser struct {
				DisplayName string `yaml:"display_name"`
			} `yaml:"bot_user"`
			SlashCommands []struct {
				Command      string `yaml:"command"`
				Description  string `yaml:"description"`
				ShouldEscape *bool  `yaml:"should_escape"`
				URL          string `yaml:"url"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Interactivity struct {
				IsEnabled  bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	t.Run("the app uses Socket Mode and no URL of its own", func(t *testing.T) {
		if !m.Settings.SocketMode || !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "" {
			t.Errorf("settings %+v", m.Settings)
		}
	})
	t.Run("the bot may post, update, read members and take commands", func(t *testing.T) {
		for _, s := range []string{"chat:write", "channels:read", "groups:read", "channels:history", "groups:history", "commands"} {
			if !slices.Contains(m.OAuth.Scopes.Bot, s) {
				t.Errorf("scope %s missing from %v", s, m.OAuth.Scopes.Bot)
			}
		}
	})
	t.Run("/attache comes as typed", func(t *testing.T) {
		c := m.Features.SlashCommands
		if len(c) != 1 || c[0].Command != "/attache" || c[0].ShouldEscape == nil || *c[0].ShouldEscape || c[0].URL != "" || c[0].Description == "" {
			t.Errorf("slash commands %+v", c)
		}
	})
}
