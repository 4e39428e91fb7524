package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/attache-dev/attache/store"
)

// migration is one step of the schema's history. Steps are applied in
// order, each in its own transaction together with the row that records it,
// so a failed step leaves the file at the previous version. Never edit a
// step that has shipped: append a new one.
type migration struct {
	name  string
	stmts []string
}

// migrations is the schema, version by version: version n is the state after
// migrations[n-1]. The SQL is kept portable (no AUTOINCREMENT, no SQLite-only
// types): BIGINT for millisecond times, INTEGER 0/1 for booleans, TEXT for
// JSON.
var migrations = []migration{
	{
		name: "feeds, items, alerted, alerts",
		stmts: []string{
			`CREATE TABLE feeds (
				name               TEXT    NOT NULL PRIMARY KEY CHECK (name <> ''),
				etag               TEXT    NOT NULL DEFAULT '',
				last_modified      TEXT    NOT NULL DEFAULT '',
				last_poll_ms       BIGINT,
				last_success_ms    BIGINT,
				consecutive_errors INTEGER NOT NULL DEFAULT 0,
				last_error         TEXT    NOT NULL DEFAULT '',
				baselined          INTEGER NOT NULL DEFAULT 0
			)`,
			`CREATE TABLE items (
				feed          TEXT    NOT NULL REFERENCES feeds (name) ON DELETE CASCADE,
				item_key      TEXT    NOT NULL CHECK (item_key <> ''),
				story         TEXT    NOT NULL CHECK (story <> ''),
				title         TEXT    NOT NULL DEFAULT '',
				link          TEXT    NOT NULL DEFAULT '',
				summary       TEXT    NOT NULL DEFAULT '',
				content       TEXT    NOT NULL DEFAULT '',
				author        TEXT    NOT NULL DEFAULT '',
				categories    TEXT    NOT NULL DEFAULT '[]',
				lang          TEXT    NOT NULL DEFAULT '',
				published_ms  BIGINT,
				date_missing  INTEGER NOT NULL DEFAULT 0,
				first_seen_ms BIGINT  NOT NULL,
				PRIMARY KEY (feed, item_key)
			)`,
			`CREATE INDEX items_first_seen ON items (first_seen_ms)`,
			`CREATE TABLE alerted (
				rule        TEXT   NOT NULL CHECK (rule <> ''),
				destination TEXT   NOT NULL CHECK (destination <> ''),
				story       TEXT   NOT NULL CHECK (story <> ''),
				alert_id    TEXT   NOT NULL,
				created_ms  BIGINT NOT NULL,
				PRIMARY KEY (rule, destination, story)
			)`,
			`CREATE INDEX alerted_created ON alerted (created_ms)`,
			`CREATE TABLE alerts (
				id              TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
				destination     TEXT    NOT NULL CHECK (destination <> ''),
				feed            TEXT    NOT NULL,
				item_key        TEXT    NOT NULL,
				published_ms    BIGINT,
				item            TEXT    NOT NULL,
				matches         TEXT    NOT NULL,
				queued_ms       BIGINT  NOT NULL,
				status          TEXT    NOT NULL
					CHECK (status IN ('queued', 'in_flight', 'delivered', 'dead')),
				attempts        INTEGER NOT NULL DEFAULT 0,
				next_attempt_ms BIGINT  NOT NULL,
				last_attempt_ms BIGINT,
				last_error      TEXT    NOT NULL DEFAULT '',
				delivered_ms    BIGINT
			)`,
			`CREATE INDEX alerts_due ON alerts (destination, status, next_attempt_ms)`,
			`CREATE INDEX alerts_queued ON alerts (queued_ms)`,
		},
	},
	{
		name: "feed health: when a feed began failing, whether that was alerted",
		stmts: []string{
			`ALTER TABLE feeds ADD COLUMN failing_since_ms BIGINT`,
			`ALTER TABLE feeds ADD COLUMN health_alerted INTEGER NOT NULL DEFAULT 0`,
		},
	},
	{
		name: "find items by story",
		stmts: []string{
			`CREATE INDEX items_story ON items (story)`,
		},
	},
	{
		name: "alerts: sends whose outcome is unknown",
		stmts: []string{
			`ALTER TABLE alerts ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0`,
			`ALTER TABLE alerts ADD COLUMN unknown_since_ms BIGINT`,
		},
	},
	{
		// The dispatcher serves a destination by severity, then in turn
		// across feeds (see Due); alerts queued before are "warning".
		name: "alerts: severity, for the order of delivery",
		stmts: []string{
			`ALTER TABLE alerts ADD COLUMN severity INTEGER NOT NULL DEFAULT 1`,
		},
	},
	{
		// Retention prunes by last sighting: an item still in its source is
		// kept however old (see Prune).
		name: "items: last sighting",
		stmts: []string{
			`ALTER TABLE items ADD COLUMN last_seen_ms BIGINT`,
			`UPDATE items SET last_seen_ms = first_seen_ms`,
			`CREATE INDEX items_last_seen ON items (feed, last_seen_ms)`,
		},
	},
	{
		// An adaptive schedule's learning spans restarts (SaveScheduleState).
		name: "feeds: what an adaptive schedule learned",
		stmts: []string{
			`ALTER TABLE feeds ADD COLUMN schedule_state TEXT`,
		},
	},
	{
		// Mutes and readers' verdicts from Slack; an alert a mute silenced
		// is kept as muted. SQLite cannot change a CHECK: the alerts table
		// is rebuilt with the new status allowed.
		name: "mutes, feedback, muted alerts",
		stmts: []string{
			`CREATE TABLE mutes (
				kind     TEXT   NOT NULL CHECK (kind IN ('rule', 'source')),
				name     TEXT   NOT NULL CHECK (name <> ''),
				until_ms BIGINT NOT NULL,
				by_who   TEXT   NOT NULL DEFAULT '',
				reason   TEXT   NOT NULL DEFAULT '',
				at_ms    BIGINT NOT NULL,
				PRIMARY KEY (kind, name)
			)`,
			`CREATE TABLE feedback (
				alert_id TEXT   NOT NULL,
				rule     TEXT   NOT NULL,
				by_who   TEXT   NOT NULL,
				verdict  TEXT   NOT NULL CHECK (verdict IN ('useful', 'not_relevant')),
				at_ms    BIGINT NOT NULL,
				PRIMARY KEY (alert_id, rule, by_who)
			)`,
			`CREATE INDEX feedback_at ON feedback (at_ms)`,
			`CREATE TABLE alerts_new (
				id              TEXT    NOT NULL PRIMARY KEY CHECK (id <> ''),
				destination     TEXT    NOT NULL CHECK (destination <> ''),
				feed            TEXT    NOT NULL,
				item_key        TEXT    NOT NULL,
				published_ms    BIGINT,
				item            TEXT    NOT NULL,
				matches         TEXT    NOT NULL,
				queued_ms       BIGINT  NOT NULL,
				status          TEXT    NOT NULL
					CHECK (status IN ('queued', 'in_flight', 'delivered', 'dead', 'muted')),
				attempts        INTEGER NOT NULL DEFAULT 0,
				next_attempt_ms BIGINT  NOT NULL,
				last_attempt_ms BIGINT,
				last_error      TEXT    NOT NULL DEFAULT '',
				delivered_ms    BIGINT,
				unknown         INTEGER NOT NULL DEFAULT 0,
				unknown_since_ms BIGINT,
				severity        INTEGER NOT NULL DEFAULT 1
			)`,
			`INSERT INTO alerts_new (id, destination, feed, item_key, published_ms, item, matches, queued_ms, status,
				attempts, next_attempt_ms, last_attempt_ms, last_error, delivered_ms, unknown, unknown_since_ms, severity)
			SELECT id, destination, feed, item_key, published_ms, item, matches, queued_ms, status,
				attempts, next_attempt_ms, last_attempt_ms, last_error, delivered_ms, unknown, unknown_since_ms, severity
			FROM alerts`,
			`DROP TABLE alerts`,
			`ALTER TABLE alerts_new RENAME TO alerts`,
			`CREATE INDEX alerts_due ON alerts (destination, status, next_attempt_ms)`,
			`CREATE INDEX alerts_queued ON alerts (queued_ms)`,
		},
	},
	{
		// One alert per story: the stories spanning restarts.
		name: "stories",
		stmts: []string{
			`CREATE TABLE stories (
				id         TEXT   NOT NULL PRIMARY KEY CHECK (id <> ''),
				record     TEXT   NOT NULL,
				updated_ms BIGINT NOT NULL
			)`,
			`CREATE INDEX stories_updated ON stories (updated_ms)`,
		},
	},
}

// migrate brings the schema up to the last version this binary knows.
func migrate(ctx context.Context, db *sql.DB, now time.Time) error {
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER NOT NULL PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_ms BIGINT  NOT NULL
	)`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for {
		done, err := migrateOne(ctx, db, now)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the next step, if any. The version is read inside the
// step's transaction, so two processes opening one file at once cannot both
// apply the same step.
func migrateOne(ctx context.Context, db *sql.DB, now time.Time) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()

	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	if version > len(migrations) {
		return false, fmt.Errorf("migrate: file is at schema version %d, this binary knows up to %d: %w",
			version, len(migrations), store.ErrSchemaTooNew)
	}
	if version == len(migrations) {
		return true, tx.Commit()
	}
	m := migrations[version]
	for _, stmt := range m.stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
		}
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)`,
		version+1, m.name, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
	}
	return false, nil
}

// schemaVersion is the highest version recorded, 0 for a new file.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
