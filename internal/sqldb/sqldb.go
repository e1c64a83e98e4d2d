// Package sqldb is the small SQL dialect layer under ossemu's durable state
// (the task queue, the notification outbox, the MNS broker). The SQL is
// written once, in the dialect SQLite and PostgreSQL share, with ?
// placeholders; this package supplies what differs:
//
//   - Open connects to PostgreSQL through pgx's database/sql driver, with a
//     connector that rewrites ? placeholders to $1, $2, … so every query
//     runs unchanged on both stores (SQLite is opened by the queue itself,
//     with the pragmas documented there).
//   - Dialect (Of) names the store behind a *sql.DB and spells the few
//     clauses that differ: row locks for claiming (FOR UPDATE SKIP LOCKED on
//     PostgreSQL; SQLite has one writer, so a write transaction already
//     excludes every other claimer).
//   - Migrate applies PostgreSQL's versioned migrations, one node at a time
//     under an advisory lock.
//   - OnNotify wakes idle loops on every node when another node commits new
//     work (LISTEN/NOTIFY; triggers created by the migrations send them);
//     OnMessage delivers the notifications that carry a message (a task's
//     change, a cancel request) the same way.
package sqldb

import (
	"database/sql"
	"strings"
)

// Dialect is the kind of database behind a *sql.DB.
type Dialect int

// The dialects. SQLite is the embedded single-process store; PostgreSQL is
// shared by several ossemu processes (nodes).
const (
	SQLite Dialect = iota
	Postgres
)

// Of reports the dialect of db: Postgres for a database opened by Open,
// SQLite for anything else.
func Of(db *sql.DB) Dialect {
	if _, ok := db.Driver().(*pgDriver); ok {
		return Postgres
	}
	return SQLite
}

// String names the dialect as the metrics and logs do.
func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Shared reports whether other processes may use the database at the same
// time. A process on an unshared (SQLite) database owns every lease in it,
// so at start it may treat each running row as orphaned by its own previous
// run; on a shared one such a row may belong to a live node.
func (d Dialect) Shared() bool { return d == Postgres }

// SkipLocked is the locking clause a claiming SELECT ends with: on
// PostgreSQL " FOR UPDATE [OF tables] SKIP LOCKED", so concurrent claimers
// on several nodes each lock different rows instead of waiting for (and
// then double-claiming) the same one; on SQLite "", since its write
// transactions run one at a time.
func (d Dialect) SkipLocked(of ...string) string {
	if d != Postgres {
		return ""
	}
	if len(of) == 0 {
		return " FOR UPDATE SKIP LOCKED"
	}
	return " FOR UPDATE OF " + strings.Join(of, ", ") + " SKIP LOCKED"
}

// IsURL reports whether s names a database Open can open (postgres:// or
// postgresql://).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
