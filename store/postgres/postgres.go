package postgres

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is a handle on the state in one PostgreSQL schema. It is safe for
// concurrent use by several goroutines, and several processes may open the
// same schema at once.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the server named by dsn (a postgres:// URL or key=value
// pairs, as libpq takes them; pool settings such as pool_max_conns are
// read from it too), and brings the schema up to date under a lock, so that
// replicas starting together migrate once. It fails with
// store.ErrSchemaTooNew when a newer version has migrated the schema.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors can quote the string, password and all.
		return nil, fmt.Errorf("open store %s: invalid connection string", redact(dsn))
	}
	where := fmt.Sprintf("postgres://%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	s := &Store{pool: pool}
	if err := migrate(ctx, pool, time.Now()); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	return s, nil
}

// Close closes every connection of the pool, waiting for those in use to be
// returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the server answers and the schema is there, for readiness
// probes.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// redact gives a connection string fit for an error message: a URL without
// its password, or only "connection string" for key=value pairs, which
// cannot be shortened safely.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return u.Redacted()
	}
	return "(connection string)"
}

// querier is what a pool and a transaction both offer, so that a helper can
// run inside Record's transaction or on its own.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// inTx runs fn in a transaction and commits it when fn succeeds. A failed
// commit, like an error of fn, leaves nothing written.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
