package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"
)

func TestSendErrorSaysTheCodeOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *SendError
		want string
	}{
		{"a code and a message", Permanent("http_404", errors.New("no such webhook")), "http_404: no such webhook"},
		{"a message that is only the code", Permanent("channel_not_found", errors.New("channel_not_found")), "channel_not_found"},
		{"a code alone", Transient("ratelimited", nil, time.Second), "ratelimited"},
		{"a message alone", Transient("", errors.New("reset"), 0), "reset"},
		{"nothing", &SendError{}, "send failed"},
	} {
		t.Run("it reads well with "+tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("it unwraps to the cause", func(t *testing.T) {
		if err := Transient("timeout", context.DeadlineExceeded, 0); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v does not unwrap to context.DeadlineExceeded", err)
		}
	})
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want verdict
	}{
		{"a permanent failure is not retried", Permanent("invalid_auth", nil), verdict{}},
		{"a transient failure is retried", Transient("http_503", nil, 0), verdict{retry: true}},
		{"a rate limit is retried after its wait", Transient("ratelimited", nil, 30*time.Second), verdict{retry: true, retryAfter: 30 * time.Second}},
		{"a wrapped classification still counts", fmt.Errorf("slack: %w", Permanent("is_archived", nil)), verdict{}},
		{"a network error is transient", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, verdict{retry: true}},
		{"a timeout the notifier did not classify is transient, not unknown", context.DeadlineExceeded, verdict{retry: true}},
		{"a negative wait counts as none", Transient("ratelimited", nil, -time.Second), verdict{retry: true}},
		{"an unknown outcome is retried, and said to be unknown", OutcomeUnknown("timeout", context.DeadlineExceeded), verdict{retry: true, unknown: true}},
		{"an unknown outcome is retried even if Retry was left out", &SendError{Unknown: true}, verdict{retry: true, unknown: true}},
		{"a wrapped unknown outcome still counts", fmt.Errorf("slack: %w", OutcomeUnknown("timeout", nil)), verdict{retry: true, unknown: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := classify(tc.err); got != tc.want {
				t.Errorf("classify(%v) = %+v, want %+v", tc.err, got, tc.want)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	b := DefaultBackoff()
	for _, tc := range []struct {
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{1, 0, 2 * time.Second},
		{2, 0, 4 * time.Second},
		{3, 0, 8 * time.Second},
		{9, 0, 512 * time.Second},
		{10, 0, 10 * time.Minute},
		{1000, 0, 10 * time.Minute},
		{1, 0.5, 1800 * time.Millisecond},
		{1000, 0.5, 9 * time.Minute},
	} {
		t.Run(fmt.Sprintf("after %d failures with jitter draw %v it waits %v", tc.attempt, tc.rnd, tc.want), func(t *testing.T) {
			if got := b.Delay(tc.attempt, tc.rnd); got != tc.want {
				t.Errorf("delay = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("jitter never takes more than its fraction off, nor adds", func(t *testing.T) {
		for attempt := 1; attempt < 20; attempt++ {
			full := b.Delay(attempt, 0)
			least := b.Delay(attempt, 0.999999)
			if least < full*8/10 || least > full || full > b.Max {
				t.Errorf("attempt %d: between %v and %v, want within 20%% below %v, at most %v", attempt, least, full, full, b.Max)
			}
		}
	})
}
