package testutil

import (
	"database/sql"
	"testing"

	"github.com/ossemu/ossemu/internal/pgtest"
)

// DBStore is one kind of database the notifier's and the MNS broker's
// suites run on.
type DBStore struct {
	Name string
	// Open returns a fresh database for one test: SQLite in dir (see
	// OpenSQLite), or a fresh PostgreSQL schema (see pgtest, which skips
	// the test without the server, or fails it when CI=true).
	Open func(t testing.TB, dir string) *sql.DB
}

// DBStores are SQLite and PostgreSQL.
func DBStores() []DBStore {
	return []DBStore{
		{Name: "sqlite", Open: OpenSQLite},
		{Name: "postgres", Open: func(t testing.TB, _ string) *sql.DB { return pgtest.DB(t) }},
	}
}

// ForEachStore runs test as a parallel subtest per store.
func ForEachStore(t *testing.T, test func(t *testing.T, st DBStore)) {
	t.Helper()
	for _, st := range DBStores() {
		t.Run(st.Name, func(t *testing.T) {
			t.Parallel()
			test(t, st)
		})
	}
}
