package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/attache-dev/attache/store"
)

const feedColumns = `f.name, f.etag, f.last_modified, f.last_poll_ms, f.last_success_ms,
	f.consecutive_errors, f.last_error, f.baselined, f.failing_since_ms, f.health_alerted,
	(SELECT COUNT(*) FROM items i WHERE i.feed = f.name), f.schedule_state`

// store.FeedState returns the saved state of one feed. A feed never saved gives
// a store.FeedState with only Feed set and Known false, and no error.
func (s *Store) FeedState(ctx context.Context, feed string) (store.FeedState, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.name = ?`, feed)
	st, err := scanFeedState(row)
	if errors.Is(err, sql.ErrNoRows) {
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
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.name`)
	if err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	defer rows.Close()
	var states []store.FeedState
	for rows.Next() {
		st, err := scanFeedState(rows)
		if err != nil {
			return nil, fmt.Errorf("read feed states: %w", err)
		}
		states = append(states, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read feed states: %w", err)
	}
	return states, nil
}

// SaveFeedState creates or replaces the state of st.Feed. Use it after a
// poll that recorded nothing (an error, a 304); a poll with items saves its
// state through Record, in the same transaction.
func (s *Store) SaveFeedState(ctx context.Context, st store.FeedState) error {
	if err := saveFeedState(ctx, s.db, st); err != nil {
		return fmt.Errorf("feed %q: save state: %w", st.Feed, err)
	}
	return nil
}

// SaveScheduleState keeps what a feed's adaptive schedule learned.
func (s *Store) SaveScheduleState(ctx context.Context, feed string, state []byte) error {
	if feed == "" {
		return errors.New("save schedule state: empty feed name")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO feeds (name, schedule_state) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET schedule_state = excluded.schedule_state`, feed, nullText(state))
	if err != nil {
		return fmt.Errorf("feed %q: save schedule state: %w", feed, err)
	}
	return nil
}

// nullText stores bytes as text, and none as NULL.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func saveFeedState(ctx context.Context, q querier, st store.FeedState) error {
	if st.Feed == "" {
		return errors.New("empty feed name")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO feeds
		(name, etag, last_modified, last_poll_ms, last_success_ms, consecutive_errors, last_error, baselined,
		 failing_since_ms, health_alerted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			etag = excluded.etag,
			last_modified = excluded.last_modified,
			last_poll_ms = excluded.last_poll_ms,
			last_success_ms = excluded.last_success_ms,
			consecutive_errors = excluded.consecutive_errors,
			last_error = excluded.last_error,
			baselined = excluded.baselined,
			failing_since_ms = excluded.failing_since_ms,
			health_alerted = excluded.health_alerted`,
		st.Feed, st.ETag, st.LastModified, toMS(st.LastPoll), toMS(st.LastSuccess),
		st.ConsecutiveErrors, st.LastError, st.Baselined, toMS(st.FailingSince), st.HealthAlerted)
	return err
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanFeedState(sc scanner) (store.FeedState, error) {
	var (
		st                                  store.FeedState
		lastPoll, lastSuccess, failingSince sql.NullInt64
		schedule                            sql.NullString
	)
	err := sc.Scan(&st.Feed, &st.ETag, &st.LastModified, &lastPoll, &lastSuccess,
		&st.ConsecutiveErrors, &st.LastError, &st.Baselined, &failingSince, &st.HealthAlerted, &st.Items, &schedule)
	if err != nil {
		return store.FeedState{}, err
	}
	st.Known = true
	st.LastPoll = fromMS(lastPoll)
	st.LastSuccess = fromMS(lastSuccess)
	st.FailingSince = fromMS(failingSince)
	if schedule.Valid {
		st.Schedule = []byte(schedule.String)
	}
	return st, nil
}
