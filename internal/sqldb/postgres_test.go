package sqldb_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/ossemu/ossemu/internal/pgtest"
	"github.com/ossemu/ossemu/internal/sqldb"
)

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url, sqldb.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenRebindsPlaceholders(t *testing.T) {
	t.Parallel()
	db := open(t, pgtest.URL(t))
	require.Equal(t, sqldb.Postgres, sqldb.Of(db))
	require.True(t, sqldb.Of(db).Shared())
	_, err := db.Exec(`CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT NOT NULL DEFAULT '')`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO t (id, n, note) VALUES (?, ?, 'why?')`, "a", 1)
	require.NoError(t, err)
	// A prepared statement inside a transaction, as the queue's batch insert.
	tx, err := db.Begin()
	require.NoError(t, err)
	stmt, err := tx.Prepare(`INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	require.NoError(t, err)
	for i, id := range []string{"b", "c", "a"} {
		_, err := stmt.Exec(id, i+10)
		require.NoError(t, err)
	}
	require.NoError(t, stmt.Close())
	require.NoError(t, tx.Commit())
	var n int64
	var note string
	require.NoError(t, db.QueryRow(`SELECT n, note FROM t WHERE id = ? AND (? = '' OR n > ?)`, "a", "", 0).Scan(&n, &note))
	require.EqualValues(t, 1, n)
	require.Equal(t, "why?", note)
	var count float64 // the queue's collector scans counts into float64
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM t WHERE substr(id, 1, ?) = ?`, 1, "b").Scan(&count))
	require.InDelta(t, 1, count, 0)
}

func TestOpenRefusesOtherURLs(t *testing.T) {
	t.Parallel()
	_, err := sqldb.Open(context.Background(), "mysql://x", sqldb.Options{})
	require.ErrorContains(t, err, "postgres://")
	_, err = sqldb.Open(context.Background(), "postgres://u:secret@127.0.0.1:1/db?connect_timeout=1", sqldb.Options{})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret", "the password is never echoed")
}

func TestDialectClauses(t *testing.T) {
	t.Parallel()
	lite, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer lite.Close()
	require.Equal(t, sqldb.SQLite, sqldb.Of(lite))
	require.False(t, sqldb.Of(lite).Shared())
	require.Empty(t, sqldb.SQLite.SkipLocked())
	require.Equal(t, " FOR UPDATE SKIP LOCKED", sqldb.Postgres.SkipLocked())
	require.Equal(t, " FOR UPDATE OF d SKIP LOCKED", sqldb.Postgres.SkipLocked("d"))
	sqldb.OnNotify(lite, sqldb.TopicTasks, func() { t.Error("SQLite has no LISTEN") })
}

var steps = []sqldb.Migration{
	{Version: 1, Name: "items", SQL: `CREATE TABLE items (id BIGINT PRIMARY KEY);
		CREATE TRIGGER items_wake AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION ossemu_wake('tasks');`},
	{Version: 2, Name: "items.note", SQL: `ALTER TABLE items ADD COLUMN note TEXT NOT NULL DEFAULT ''`},
}

// TestMigrateOneNodeAtATime: nodes starting together each run Migrate;
// every step is applied exactly once, and later runs change nothing.
func TestMigrateOneNodeAtATime(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		db := open(t, url)
		wg.Go(func() { errs <- sqldb.Migrate(context.Background(), db, "test", steps) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	db := open(t, url)
	var versions []int
	rows, err := db.Query(`SELECT version FROM schema_migrations WHERE component = ? ORDER BY version`, "test")
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int{1, 2}, versions)
	_, err = db.Exec(`INSERT INTO items (id, note) VALUES (?, ?)`, 1, "both steps ran")
	require.NoError(t, err)

	require.ErrorContains(t, sqldb.Migrate(context.Background(), db, "test", steps[:1]), "newer than this ossemu knows")
	require.ErrorContains(t, sqldb.Migrate(context.Background(), db, "other", steps[1:]), "want 1")
}

// TestOnNotifyWakesOtherNodes: a commit on one node wakes the subscribers
// of another; a rolled-back one wakes nobody; a lost LISTEN connection is
// re-established and counts as a wake-up.
func TestOnNotifyWakesOtherNodes(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url+"&application_name=node_b")
	require.NoError(t, sqldb.Migrate(context.Background(), a, "test", steps))
	woken := make(chan struct{}, 100)
	sqldb.OnNotify(b, sqldb.TopicTasks, func() { woken <- struct{}{} })
	await := func(what string) {
		t.Helper()
		select {
		case <-woken:
		case <-time.After(20 * time.Second):
			t.Fatal(what)
		}
	}
	await("the first connection counts as a wake-up")
	drain := func() {
		for len(woken) > 0 {
			<-woken
		}
	}

	tx, err := a.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(`INSERT INTO items (id) VALUES (?)`, 1)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	_, err = a.Exec(`INSERT INTO items (id) VALUES (?)`, 2)
	require.NoError(t, err)
	await("the commit on the other node")
	var count int
	require.NoError(t, a.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&count))
	require.Equal(t, 1, count)

	// Kill b's LISTEN connection from the server side.
	drain()
	_, err = a.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = ? AND query = ?`, "node_b", "LISTEN "+sqldb.Channel)
	require.NoError(t, err)
	await("the reconnection")
	drain()
	_, err = a.Exec(`INSERT INTO items (id) VALUES (?)`, 3)
	require.NoError(t, err)
	await("a commit after the reconnection")
}
