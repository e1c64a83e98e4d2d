package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Migration is one versioned step of a component's PostgreSQL schema.
// Versions start at 1 and grow by one; a released step never changes (a
// fix is a new step).
type Migration struct {
	Version int
	Name    string
	SQL     string // statements, run in one transaction; no ? placeholders
}

// bootstrap creates what every component's migrations rely on: the table
// recording applied steps and the trigger function that sends wake-ups
// (see Channel). It runs under the migration lock.
const bootstrap = `
CREATE TABLE IF NOT EXISTS schema_migrations (
	component  TEXT NOT NULL,
	version    INTEGER NOT NULL,
	name       TEXT NOT NULL,
	applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
	PRIMARY KEY (component, version)
);
CREATE OR REPLACE FUNCTION ossemu_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('` + Channel + `', current_schema() || '/' || TG_ARGV[0]);
	RETURN NULL;
END
$$;
`

// migrationLock is the first key of the advisory lock that serialises
// migrations; the second is the schema's hash, so clusters in different
// schemas of one database migrate independently.
const migrationLock = 0x05e_e4_07

// Migrate brings component's tables in the PostgreSQL database db up to
// the last of steps. Nodes starting together take turns: each holds a
// session advisory lock while it looks at schema_migrations and applies
// what is missing, each step in its own transaction with its record, so a
// node that dies half-way leaves the database at a whole step. A database
// migrated by a newer ossemu (a version beyond steps) is refused rather
// than used with a schema this binary does not know.
func Migrate(ctx context.Context, db *sql.DB, component string, steps []Migration) error {
	if Of(db) != Postgres {
		return errors.New("sqldb: versioned migrations are for PostgreSQL databases")
	}
	for i, s := range steps {
		if s.Version != i+1 {
			return fmt.Errorf("sqldb: %s migration %q has version %d, want %d", component, s.Name, s.Version, i+1)
		}
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", component, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock(?, hashtext(current_schema()))`, migrationLock); err != nil {
		return fmt.Errorf("sqldb: migrate %s: taking the migration lock: %w", component, err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(?, hashtext(current_schema()))`, migrationLock) //nolint:errcheck // the session ends with the connection anyway
	if _, err := c.ExecContext(ctx, bootstrap); err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", component, err)
	}
	var have int
	if err := c.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?`,
		component).Scan(&have); err != nil {
		return fmt.Errorf("sqldb: migrate %s: %w", component, err)
	}
	if have > len(steps) {
		return fmt.Errorf("sqldb: the %s schema is at version %d, newer than this ossemu knows (%d): upgrade ossemu",
			component, have, len(steps))
	}
	for _, s := range steps[have:] {
		if err := apply(ctx, c, component, s); err != nil {
			return err
		}
	}
	return nil
}

func apply(ctx context.Context, c *sql.Conn, component string, s Migration) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: migrate %s to %d: %w", component, s.Version, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if _, err := tx.ExecContext(ctx, s.SQL); err != nil {
		return fmt.Errorf("sqldb: migrate %s to %d (%s): %w", component, s.Version, s.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (component, version, name) VALUES (?, ?, ?)`,
		component, s.Version, s.Name); err != nil {
		return fmt.Errorf("sqldb: migrate %s to %d: %w", component, s.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqldb: migrate %s to %d: %w", component, s.Version, err)
	}
	return nil
}
