// Package pgtest gives tests a real PostgreSQL to work on: each test gets a
// schema of its own on the server named by ATTACHE_TEST_POSTGRES, empty at
// the start and dropped at the end, so tests run in parallel without seeing
// each other's rows and leave nothing behind.
//
// A test that needs the server skips when the variable is unset, so that
// `go test ./...` works on a machine without PostgreSQL; under CI (the CI
// variable set) an unset variable fails the test instead, because a CI run
// that skipped the PostgreSQL tests would pass without testing them.
// `.ci/postgres.sh` starts a throw-away server and sets the variable.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// EnvVar names the variable that holds the test server's connection
// string, a postgres:// URL or key=value pairs, for a role that may create
// schemas in its database.
const EnvVar = "ATTACHE_TEST_POSTGRES"

// ServerDSN returns the test server's connection string, skipping the test
// when none is set (failing it under CI).
func ServerDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests (.ci/postgres.sh starts a server)", EnvVar)
		}
		t.Skipf("%s is not set: no PostgreSQL to test against (.ci/postgres.sh starts one)", EnvVar)
	}
	return dsn
}

// Schema creates a new, empty schema for t and returns its name and a
// connection string whose search_path is that schema alone: whatever
// connects with it creates its tables there. The schema and everything in
// it is dropped when t ends; close what uses it first (a t.Cleanup
// registered after Schema runs before the drop).
func Schema(t testing.TB) (dsn, schema string) {
	t.Helper()
	server := ServerDSN(t)
	schema = schemaName(t.Name())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := admin(ctx, server, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create test schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := admin(ctx, server, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	dsn, err := WithSearchPath(server, schema)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	return dsn, schema
}

// DSN is Schema without the name: a connection string for a new schema.
func DSN(t testing.TB) string {
	t.Helper()
	dsn, _ := Schema(t)
	return dsn
}

// WithSearchPath returns dsn with its search_path set to schema alone, in
// the form dsn is written in (URL or key=value pairs).
func WithSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse connection URL: %w", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// Key=value form: a later key wins, and the name needs no escaping since
	// schemaName makes it of letters, digits and underscores.
	return dsn + " search_path=" + schema, nil
}

// admin runs one statement on the server with a connection of its own.
func admin(ctx context.Context, dsn, stmt string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, stmt)
	return err
}

// schemaName makes a schema name that says which test it belongs to (for
// whoever looks at a server left behind) and cannot collide: lower-case
// letters, digits and underscores from the test's name, and a random tail,
// within PostgreSQL's 63-byte limit for names.
func schemaName(test string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(test) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if len(name) > 40 {
		name = name[:40]
	}
	var tail [6]byte
	rand.Read(tail[:])
	return "t_" + name + "_" + hex.EncodeToString(tail[:])
}
