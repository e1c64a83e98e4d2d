package notifier

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// schema is the outbox the notifier keeps in the queue's SQLite database.
// Times are Unix milliseconds. notify_messages is one row per published
// message, written in the transaction that finishes the task (or that
// answers an MNS Publish). The dispatcher fans each one out into
// notify_deliveries, one row per subscriber, and drives those to delivered
// or dead. The MNS broker's tables (mns_*) are notifier/mns's.
const schema = `
CREATE TABLE IF NOT EXISTS notify_messages (
	id           TEXT PRIMARY KEY,
	topic        TEXT NOT NULL,
	task_id      TEXT NOT NULL DEFAULT '',
	body         TEXT NOT NULL,
	tag          TEXT NOT NULL DEFAULT '',
	published_at INTEGER NOT NULL,
	fanned_out   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS notify_messages_pending ON notify_messages(fanned_out) WHERE fanned_out = 0;
CREATE INDEX IF NOT EXISTS notify_messages_task ON notify_messages(task_id);
CREATE INDEX IF NOT EXISTS notify_messages_topic ON notify_messages(topic, published_at);
CREATE TABLE IF NOT EXISTS notify_deliveries (
	id           INTEGER PRIMARY KEY,
	message_id   TEXT NOT NULL,
	subscription TEXT NOT NULL,
	endpoint     TEXT NOT NULL,
	format       TEXT NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      INTEGER NOT NULL,
	leased       INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT NOT NULL DEFAULT '',
	updated_at   INTEGER NOT NULL,
	UNIQUE (message_id, subscription)
);
CREATE INDEX IF NOT EXISTS notify_deliveries_due ON notify_deliveries(state, next_at);
`

// Migrate creates the outbox tables in db if they are missing (on
// PostgreSQL: applies the versioned migrations of schema_postgres.go). It
// must run before the queue finishes its first task, since the finish hook
// writes to notify_messages.
func Migrate(ctx context.Context, db *sql.DB) error {
	if sqldb.Of(db) == sqldb.Postgres {
		return sqldb.Migrate(ctx, db, "notifier", pgMigrations)
	}
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("notifier: create tables: %w", err)
	}
	return nil
}
