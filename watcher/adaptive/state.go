package adaptive

import (
	"encoding/json"
	"fmt"
	"time"
)

// hoursPerWeek is the number of bins of an hour-of-week profile.
const hoursPerWeek = 168

// stateVersion is bumped when State changes meaning; an older state is
// dropped (the source starts learning again) rather than misread.
const stateVersion = 1

// State is what a Schedule learned and spent: everything it needs across
// restarts, and nothing of its configuration. Its JSON form is what the
// store keeps.
type State struct {
	Version int `json:"v"`

	// Counts are items by hour of week (Monday 00:00 first, in the
	// source's time zone), each weighed down by its age (Config.Memory);
	// Exposure is the time observed, in hours, weighed alike. Their ratio
	// is a rate; DecayedAt is when the weights were last brought up to date.
	Counts    [hoursPerWeek]float64 `json:"counts"`
	Exposure  float64               `json:"exposure_h"`
	DecayedAt time.Time             `json:"decayed_at"`
	// Recent and RecentExposure are the same on the short half-life
	// (Config.Recent): the recent rate.
	Recent         float64 `json:"recent"`
	RecentExposure float64 `json:"recent_exposure_h"`
	// Items and FollowOns count the items learned from, and those that came
	// within a burst of the one before (both weighed by age): how bursty
	// the source is.
	Items     float64 `json:"items"`
	FollowOns float64 `json:"follow_ons"`
	// LastItem is when the newest item appeared, as well as can be told.
	LastItem time.Time `json:"last_item,omitzero"`

	// LastPoll is when the last request was made; LastSuccess when the
	// source last answered well (a 304 counts). Errors counts failures
	// since then. Polls counts requests, and draws the jitter.
	LastPoll    time.Time `json:"last_poll,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	Errors      int       `json:"errors,omitempty"`
	Polls       uint64    `json:"polls"`

	// Planned and Spent count the requests the plan alone would have made
	// and those made (both weighed by age, on the recent half-life); their
	// ratio, Overhead, taken hourly, is what bursts cost on top of the plan,
	// and the plan shrinks by it so that both together keep to the budget.
	Planned  float64 `json:"planned"`
	Spent    float64 `json:"spent"`
	Overhead float64 `json:"overhead,omitempty"`

	// Tokens is the budget left at TokensAt: it grows by Budget a day up to
	// two days' worth, and each request takes one.
	Tokens   float64   `json:"tokens"`
	TokensAt time.Time `json:"tokens_at,omitzero"`
	// SpendDay is the start of the current day (source's time zone);
	// SpentToday and SpentYesterday count the requests of it and of the day
	// before, for the status page.
	SpendDay       time.Time `json:"spend_day,omitzero"`
	SpentToday     int       `json:"spent_today"`
	SpentYesterday int       `json:"spent_yesterday"`

	// NotBefore is the floor the last answer's hints set, and HintKind the
	// hint that set it.
	NotBefore time.Time `json:"not_before,omitzero"`
	HintKind  string    `json:"hint,omitempty"`
	// TTL and UpdatePeriod are the last document's own hints (RSS <ttl>,
	// sy:updatePeriod): a 304 says the document is unchanged, so they
	// still hold though it carries no body to read them from.
	TTL          time.Duration `json:"ttl,omitempty"`
	UpdatePeriod time.Duration `json:"update_period,omitempty"`
	// PushUntil is when the WebSub lease that makes polling a fallback
	// ends; zero when no hub pushes this source.
	PushUntil time.Time `json:"push_until,omitzero"`
}

// MarshalState is the JSON form of a state, for the store.
func MarshalState(st State) ([]byte, error) {
	st.Version = stateVersion
	return json.Marshal(st)
}

// UnmarshalState reads a state the store kept. An empty input, or a state
// of another version, gives a fresh state (learning starts again) and no
// error; malformed JSON is an error.
func UnmarshalState(b []byte) (State, error) {
	if len(b) == 0 {
		return State{}, nil
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return State{}, fmt.Errorf("adaptive state: %w", err)
	}
	if st.Version != stateVersion {
		return State{}, nil
	}
	return st, nil
}
