package testutil

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the driver the queue uses
)

// OpenSQLite opens dir/ossemu.db configured like the queue's writer: WAL,
// one connection, immediate transactions. Running on one connection also
// proves the caller never nests a second query inside an open transaction.
// The database is closed when the test ends.
func OpenSQLite(t testing.TB, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ossemu.db")+
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}
