package redact

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSecretsAreRedactedInEverySpellingAndOnlySlackLooksForTokens(t *testing.T) {
	hook := "https://hooks.slack.com/services/T000/B000/SECRETPART"
	r := New(hook)
	for _, in := range []string{"Post " + hook + ": EOF", fmt.Sprintf("Post %q: EOF", hook), "Post \"http://127.0.0.1/services/T000/B000/SECRETPART\""} {
		if got := r.Text(in); strings.Contains(got, "SECRET") || !strings.Contains(got, Mark) {
			t.Errorf("Text(%q) = %q", in, got)
		}
	}
	token := "auth xoxb-1234-SECRETTOKEN"
	if got := New().Text(token); got != token {
		t.Errorf("New().Text(%q) = %q: a redactor without secrets changed it", token, got)
	}
	if got := NewSlack().Text(token); strings.Contains(got, "SECRET") {
		t.Errorf("NewSlack().Text(%q) = %q: an unconfigured token is shown", token, got)
	}
	if got := New("a/b").Text("a/b"); got != "a/b" {
		t.Errorf("a short secret was looked for: %q", got)
	}
	err := r.Wrap(fmt.Errorf("post %s: %w", hook, errors.ErrUnsupported))
	if strings.Contains(err.Error(), "SECRET") || !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Wrap = %v, is ErrUnsupported %v", err, errors.Is(err, errors.ErrUnsupported))
	}
	if got := URL("https://user:pass@example.org/feed"); strings.Contains(got, "pass") {
		t.Errorf("URL kept the password: %s", got)
	}
}
