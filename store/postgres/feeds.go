package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/attache-dev/attache/store"
)

const feedColumns = `f.name, f.etag, f.last_modified, f.last_poll, f.last_success,
	f.consecutive_errors, f.last_error, f.baselined, f.failing_since, f.health_alerted,
	(SELECT COUNT(*) FROM items i WHERE i.feed = f.name), f.schedule_state`

// FeedState returns the saved state of one feed. A feed never saved gives a
// FeedState with only Feed set and Known false, and no error.
func (s *Store) FeedState(ctx context.Context, feed string) (store.FeedState, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.name = $1`, cleanText(feed))
	st, err := scanFeedState(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.FeedState{Feed: feed}, nil
	}
	if err != nil {
		return store.FeedState{}, fmt.Errorf("feed %q: read state: %w", feed, err)
	}
	return st, nil
}

// FeedStates returns the saved state of every feed ever saved, by name.
// Feeds since removed from the configuration are included.
func (s *Store) FeedStates(ctx context.Context) ([]store.FeedState, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.name`)
	if err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	states, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.FeedState, error) {
		return scanFeedState(row)
	})
	if err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	return states, nil
}

// SaveFeedState creates or replaces the state of st.Feed. Use it after a
// poll that recorded nothing (an error, a 304); a poll with items saves its
// state through Record, in the same transaction.
func (s *Store) SaveFeedState(ctx context.Context, st store.FeedState) error {
	if err := saveFeedState(ctx, s.pool, st); err != nil {
		return fmt.Errorf("feed %q: save state: %w", st.Feed, err)
	}
	return nil
}

// SaveScheduleState keeps what a feed's adaptive schedule learned.
func (s *Store) SaveScheduleState(ctx context.Context, feed string, state []byte) error {
	if feed == "" {
		return errors.New("save schedule state: empty feed name")
	}
	var v *string
	if state != nil {
		t := cleanText(string(state))
		v = &t
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO feeds (name, schedule_state) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET schedule_state = excluded.schedule_state`, cleanText(feed), v)
	if err != nil {
		return fmt.Errorf("feed %q: save schedule state: %w", feed, err)
	}
	return nil
}

func saveFeedState(ctx context.Context, q querier, st store.FeedState) error {
	if st.Feed == "" {
		return errors.New("empty feed name")
	}
	_, err := q.Exec(ctx, saveFeedStateSQL, feedStateArgs(st)...)
	return err
}

const saveFeedStateSQL = `INSERT INTO feeds
	(name, etag, last_modified, last_poll, last_success, consecutive_errors, last_error, baselined,
	 failing_since, health_alerted)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
	ON CONFLICT (name) DO UPDATE SET
		etag = excluded.etag,
		last_modified = excluded.last_modified,
		last_poll = excluded.last_poll,
		last_success = excluded.last_success,
		consecutive_errors = excluded.consecutive_errors,
		last_error = excluded.last_error,
		baselined = excluded.baselined,
		failing_since = excluded.failing_since,
		health_alerted = excluded.health_alerted`

func feedStateArgs(st store.FeedState) []any {
	return []any{cleanText(st.Feed), cleanText(st.ETag), cleanText(st.LastModified),
		ts(st.LastPoll), ts(st.LastSuccess), st.ConsecutiveErrors, cleanText(st.LastError),
		st.Baselined, ts(st.FailingSince), st.HealthAlerted}
}

func scanFeedState(row pgx.Row) (store.FeedState, error) {
	var (
		st                                  store.FeedState
		lastPoll, lastSuccess, failingSince *time.Time
		schedule                            *string
	)
	err := row.Scan(&st.Feed, &st.ETag, &st.LastModified, &lastPoll, &lastSuccess,
		&st.ConsecutiveErrors, &st.LastError, &st.Baselined, &failingSince, &st.HealthAlerted, &st.Items, &schedule)
	if err != nil {
		return store.FeedState{}, err
	}
	st.Known = true
	st.LastPoll = fromTS(lastPoll)
	st.LastSuccess = fromTS(lastSuccess)
	st.FailingSince = fromTS(failingSince)
	if schedule != nil {
		st.Schedule = []byte(*schedule)
	}
	return st, nil
}
