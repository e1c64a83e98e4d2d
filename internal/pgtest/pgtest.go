// Package pgtest gives tests a private PostgreSQL schema on the test server
// scripts/start-postgres.sh runs (scripts/test.sh starts it and exports its
// URL). Only tests import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// EnvURL names the variable holding the test server's URL.
const EnvURL = "OSSEMU_TEST_POSTGRES_URL"

// URL returns the URL of a fresh, empty schema on the test server (the URL
// sets search_path to it), dropped with everything in it when the test
// ends. Without the server the test is skipped, or fails when CI=true.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		msg := EnvURL + " is not set: start the test server with `export " + EnvURL + "=$(scripts/start-postgres.sh)`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	exec(t, base, `CREATE SCHEMA `+schema)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA `+schema+` CASCADE`) })
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// exec runs one statement on its own connection.
func exec(t testing.TB, dbURL, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err, "connecting to the test PostgreSQL server")
	defer c.Close(ctx)
	_, err = c.Exec(ctx, stmt)
	require.NoError(t, err, stmt)
}

// DB opens a fresh schema (see URL) through sqldb.Open, as ossemu's nodes
// open their database; it is closed when the test ends.
func DB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), URL(t), sqldb.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
