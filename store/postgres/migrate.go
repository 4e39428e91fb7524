package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/attache-dev/attache/store"
)

// migration is one step of the schema's history. Steps are applied in
// order, each in its own transaction together with the row that records it
// (PostgreSQL's DDL is transactional), so a failed step leaves the schema at
// the previous version. Never edit a step that has shipped: append one.
type migration struct {
	name  string
	stmts []string
}

// migrations is the schema, version by version: version n is the state after
// migrations[n-1].
//
// Names and keys are COLLATE "C": byte order, as in SQLite, so that lists
// sort the same on both backends whatever the database's locale, and
// comparisons skip the locale's rules. NULLs sort first in SQLite and last
// in PostgreSQL; the queries that order by a nullable column say which.
var migrations = []migration{
	{
		name: "feeds, items, alerted, alerts",
		stmts: []string{
			`CREATE TABLE feeds (
				name               text COLLATE "C" PRIMARY KEY CHECK (name <> ''),
				etag               text        NOT NULL DEFAULT '',
				last_modified      text        NOT NULL DEFAULT '',
				last_poll          timestamptz,
				last_success       timestamptz,
				consecutive_errors integer     NOT NULL DEFAULT 0,
				last_error         text        NOT NULL DEFAULT '',
				baselined          boolean     NOT NULL DEFAULT false,
				failing_since      timestamptz,
				health_alerted     boolean     NOT NULL DEFAULT false
			)`,
			`CREATE TABLE items (
				feed         text COLLATE "C" NOT NULL REFERENCES feeds (name) ON DELETE CASCADE,
				item_key     text COLLATE "C" NOT NULL CHECK (item_key <> ''),
				story        text COLLATE "C" NOT NULL CHECK (story <> ''),
				title        text        NOT NULL DEFAULT '',
				link         text        NOT NULL DEFAULT '',
				summary      text        NOT NULL DEFAULT '',
				content      text        NOT NULL DEFAULT '',
				author       text        NOT NULL DEFAULT '',
				categories   text[]      NOT NULL DEFAULT '{}',
				lang         text        NOT NULL DEFAULT '',
				published    timestamptz,
				date_missing boolean     NOT NULL DEFAULT false,
				first_seen   timestamptz NOT NULL,
				PRIMARY KEY (feed, item_key)
			)`,
			`CREATE INDEX items_first_seen ON items (first_seen)`,
			`CREATE INDEX items_story ON items (story)`,
			`CREATE TABLE alerted (
				rule        text COLLATE "C" NOT NULL CHECK (rule <> ''),
				destination text COLLATE "C" NOT NULL CHECK (destination <> ''),
				story       text COLLATE "C" NOT NULL CHECK (story <> ''),
				alert_id    text        NOT NULL,
				created     timestamptz NOT NULL,
				PRIMARY KEY (rule, destination, story)
			)`,
			`CREATE INDEX alerted_created ON alerted (created)`,
			`CREATE TABLE alerts (
				id           text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
				destination  text COLLATE "C" NOT NULL CHECK (destination <> ''),
				feed         text COLLATE "C" NOT NULL,
				item_key     text COLLATE "C" NOT NULL,
				published    timestamptz,
				item         json        NOT NULL,
				matches      json        NOT NULL,
				queued       timestamptz NOT NULL,
				status       text        NOT NULL
					CHECK (status IN ('queued', 'in_flight', 'delivered', 'dead')),
				attempts     integer     NOT NULL DEFAULT 0,
				next_attempt timestamptz NOT NULL,
				last_attempt timestamptz,
				last_error   text        NOT NULL DEFAULT '',
				delivered    timestamptz,
				unknown       integer     NOT NULL DEFAULT 0,
				unknown_since timestamptz
			)`,
			// Due and Destinations read only queued alerts, in this order; a
			// partial index keeps delivered history out of their way.
			`CREATE INDEX alerts_queued_order ON alerts
				(destination, queued, published NULLS FIRST, id) WHERE status = 'queued'`,
			`CREATE INDEX alerts_queued ON alerts (queued)`,
		},
	},
	{
		name: "replicas, feed leases, destination leases",
		stmts: []string{
			`CREATE TABLE replicas (
				id          text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
				started     timestamptz NOT NULL,
				heartbeat   timestamptz NOT NULL,
				expires     timestamptz NOT NULL,
				config_hash text        NOT NULL DEFAULT '',
				version     text        NOT NULL DEFAULT ''
			)`,
			// A feed's lease row outlives each lease: next_due says when the
			// feed is next to be polled, by whichever replica, and epoch
			// counts the claims, so that a write made under an old claim is
			// told from one made under the current one.
			`CREATE TABLE feed_leases (
				feed     text COLLATE "C" PRIMARY KEY CHECK (feed <> ''),
				next_due timestamptz NOT NULL,
				owner    text COLLATE "C",
				expires  timestamptz,
				epoch    bigint      NOT NULL DEFAULT 0,
				CHECK ((owner IS NULL) = (expires IS NULL))
			)`,
			`CREATE INDEX feed_leases_due ON feed_leases (next_due, feed)`,
			// The feeds each replica's configuration names: a replica claims
			// only those, so a feed that some replicas do not know (during a
			// rolling change of configuration, say) is polled by the others.
			// Kept in the database so that a claim need not carry the list.
			`CREATE TABLE replica_feeds (
				replica text COLLATE "C" NOT NULL,
				feed    text COLLATE "C" NOT NULL,
				PRIMARY KEY (replica, feed)
			)`,
			// One replica at a time sends to a destination: it keeps the
			// order of the queue and paces the channel alone. last_send
			// carries the pacing over to the next owner.
			`CREATE TABLE destination_leases (
				destination text COLLATE "C" PRIMARY KEY CHECK (destination <> ''),
				owner       text COLLATE "C",
				expires     timestamptz,
				epoch       bigint      NOT NULL DEFAULT 0,
				last_send   timestamptz,
				CHECK ((owner IS NULL) = (expires IS NULL))
			)`,
			// The destination epoch under which an alert went in flight.
			`ALTER TABLE alerts ADD COLUMN claim_epoch bigint`,
			`CREATE INDEX alerts_in_flight ON alerts (destination) WHERE status = 'in_flight'`,
			// The fence of a write made under a feed lease, as one statement
			// that fails (SQLSTATE AT409) when the lease has moved on, so that
			// it can stand first in a pipelined batch and undo the rest. On
			// success it frees the feed and sets when it is next due.
			`CREATE FUNCTION attache_fence_feed(p_feed text, p_owner text, p_epoch bigint, p_next timestamptz)
				RETURNS void LANGUAGE plpgsql AS $$
			BEGIN
				UPDATE feed_leases SET owner = NULL, expires = NULL, next_due = COALESCE(p_next, next_due)
				WHERE feed = p_feed AND owner = p_owner AND epoch = p_epoch;
				IF NOT FOUND THEN
					RAISE EXCEPTION 'lease on feed % (epoch %) is no longer held by %', p_feed, p_epoch, p_owner
						USING ERRCODE = 'AT409';
				END IF;
			END $$`,
		},
	},
	{
		// The dispatcher serves a destination by severity, then in turn
		// across feeds (see Due); alerts queued before are "warning".
		name: "alerts: severity, for the order of delivery",
		stmts: []string{
			`ALTER TABLE alerts ADD COLUMN severity integer NOT NULL DEFAULT 1`,
		},
	},
	{
		// Retention prunes by last sighting: an item still in its source is
		// kept however old (see Prune).
		name: "items: last sighting",
		stmts: []string{
			`ALTER TABLE items ADD COLUMN last_seen timestamptz`,
			`UPDATE items SET last_seen = first_seen`,
			`CREATE INDEX items_last_seen ON items (feed, last_seen)`,
		},
	},
	{
		// An adaptive schedule's learning spans restarts (SaveScheduleState).
		name: "feeds: what an adaptive schedule learned",
		stmts: []string{
			`ALTER TABLE feeds ADD COLUMN schedule_state text`,
		},
	},
	{
		// Mutes and readers' verdicts from Slack; an alert a mute silenced
		// is kept as muted.
		name: "mutes, feedback, muted alerts",
		stmts: []string{
			`CREATE TABLE mutes (
				kind   text COLLATE "C" NOT NULL CHECK (kind IN ('rule', 'source')),
				name   text COLLATE "C" NOT NULL CHECK (name <> ''),
				until  timestamptz NOT NULL,
				by_who text        NOT NULL DEFAULT '',
				reason text        NOT NULL DEFAULT '',
				at     timestamptz NOT NULL,
				PRIMARY KEY (kind, name)
			)`,
			`CREATE TABLE feedback (
				alert_id text COLLATE "C" NOT NULL,
				rule     text COLLATE "C" NOT NULL,
				by_who   text COLLATE "C" NOT NULL,
				verdict  text        NOT NULL CHECK (verdict IN ('useful', 'not_relevant')),
				at       timestamptz NOT NULL,
				PRIMARY KEY (alert_id, rule, by_who)
			)`,
			`CREATE INDEX feedback_at ON feedback (at)`,
			`ALTER TABLE alerts DROP CONSTRAINT alerts_status_check`,
			`ALTER TABLE alerts ADD CONSTRAINT alerts_status_check
				CHECK (status IN ('queued', 'in_flight', 'delivered', 'dead', 'muted'))`,
		},
	},
	{
		// One alert per story: the stories spanning restarts.
		name: "stories",
		stmts: []string{
			`CREATE TABLE stories (
				id      text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
				record  text        NOT NULL,
				updated timestamptz NOT NULL
			)`,
			`CREATE INDEX stories_updated ON stories (updated)`,
		},
	},
}

// migrateLock is the first key of the advisory lock that serialises
// migrations; the second is a hash of the schema's name, so that
// deployments in different schemas of one database do not wait for each
// other. ("atta" in ASCII.)
const migrateLock = 0x61747461

// migrate brings the schema up to the last version this binary knows.
func migrate(ctx context.Context, pool *pgxpool.Pool, now time.Time) error {
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if schema == nil {
		var path string
		if err := pool.QueryRow(ctx, `SHOW search_path`).Scan(&path); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		return fmt.Errorf("migrate: no schema of search_path %q exists: create it first", path)
	}
	for {
		done, err := migrateOne(ctx, pool, *schema, now)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateOne applies the next step, if any, in a transaction that first
// takes the migration lock: a second process opening the schema at the same
// moment waits at the lock, then finds the step applied. The lock goes with
// the transaction, so a process that dies holding it releases it.
func migrateOne(ctx context.Context, pool *pgxpool.Pool, schema string, now time.Time) (done bool, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, migrateLock, schema); err != nil {
		return false, fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer     PRIMARY KEY,
		name    text        NOT NULL,
		applied timestamptz NOT NULL
	)`)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	if version > len(migrations) {
		return false, fmt.Errorf("migrate: schema %q is at version %d, this binary knows up to %d: %w",
			schema, version, len(migrations), store.ErrSchemaTooNew)
	}
	if version == len(migrations) {
		return true, tx.Commit(ctx)
	}
	m := migrations[version]
	for _, stmt := range m.stmts {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
		version+1, m.name, now)
	if err != nil {
		return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("migrate to version %d (%s): %w", version+1, m.name, err)
	}
	return false, nil
}

// schemaVersion is the highest version recorded, 0 for a new schema.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}
