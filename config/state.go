package config

import (
	"fmt"
	"net/url"
	"strings"
)

// IsPostgres reports a state that names a PostgreSQL server
// (postgres://USER@HOST/DB?sslmode=...) rather than a SQLite file.
func IsPostgres(state string) bool {
	s := strings.ToLower(strings.TrimSpace(state))
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// checkPostgresURL checks what can be checked of a PostgreSQL state without
// connecting: the URL parses and names a host and a database. Its text is
// never quoted, since it may hold a password.
func checkPostgresURL(state string) error {
	u, err := url.Parse(strings.TrimSpace(state))
	if err != nil {
		return fmt.Errorf("the postgres:// URL does not parse (its text is not shown, as it may hold a password): write postgres://USER@HOST:PORT/DB?sslmode=require, with the password as ${VAR}")
	}
	if u.Host == "" {
		return fmt.Errorf("the postgres:// URL names no host: write postgres://USER@HOST:PORT/DB")
	}
	if strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("the postgres:// URL %s names no database: write postgres://USER@HOST:PORT/DB", StateLabel(state))
	}
	return nil
}

// StateLabel is how messages name a state: a SQLite file by its path, a
// PostgreSQL server by user, host, port and database only, without its
// password or parameters.
func StateLabel(state string) string {
	if !IsPostgres(state) {
		return state
	}
	u, err := url.Parse(strings.TrimSpace(state))
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	label := u.Scheme + "://"
	if u.User != nil && u.User.Username() != "" {
		label += u.User.Username() + "@"
	}
	return label + u.Host + u.Path
}
