package queue

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The schema's history. A database made by an older ossemu is brought up to
// date by Open, each step once, so an old data directory keeps working:
//
//  1. The action column (video/concat, video/sprite). Earlier versions kept
//     only the process string and parsed it again to pick the processor; the
//     column is appended by ALTER TABLE (the CREATE TABLE in store.go lists
//     it last for the same layout) and filled from each row's process string.
//  2. The task_runs table (runs.go): created like every table by CREATE
//     TABLE IF NOT EXISTS; tasks run before it existed list no runs.
//  3. The detail column: what a processor reports beyond its outputs (a
//     sprite task's cell map), NULL for older tasks and those without one.
//  4. The forgiven and suspect columns (crash.go), appended the same way;
//     existing rows get 0 for both.
//  5. The publishing table (journal.go), created when missing.
//  6. The cancel_requested column (cancel.go): 0 for existing rows.
//
// (PostgreSQL databases have versioned migrations instead: postgres.go.)

// migrate applies the steps an existing database lacks, in one transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	has, err := hasColumn(ctx, tx, "action")
	if err != nil {
		return err
	}
	if !has {
		if err := addActionColumn(ctx, tx); err != nil {
			return err
		}
	}
	for _, col := range []string{
		`detail TEXT`,
		`forgiven INTEGER NOT NULL DEFAULT 0`,
		`suspect INTEGER NOT NULL DEFAULT 0`,
		`cancel_requested INTEGER NOT NULL DEFAULT 0`,
	} {
		name, _, _ := strings.Cut(col, " ")
		if has, err := hasColumn(ctx, tx, name); err != nil || has {
			if err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `ALTER TABLE tasks ADD COLUMN `+col); err != nil {
			return fmt.Errorf("queue: migrate: adding the %s column: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, journalSchema); err != nil {
		return fmt.Errorf("queue: migrate: creating the publishing journal: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	return nil
}

// hasColumn reports whether the tasks table has the column name.
func hasColumn(ctx context.Context, tx *sql.Tx, name string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM pragma_table_info('tasks') WHERE name = ?`, name).Scan(&n); err != nil {
		return false, fmt.Errorf("queue: migrate: %w", err)
	}
	return n > 0, nil
}

// addActionColumn adds the action column and fills it for every row.
func addActionColumn(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `ALTER TABLE tasks ADD COLUMN action TEXT NOT NULL DEFAULT ''`); err != nil {
		return fmt.Errorf("queue: migrate: adding the action column: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, process FROM tasks`)
	if err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	actions := map[string]string{}
	for rows.Next() {
		var id, process string
		if err := rows.Scan(&id, &process); err != nil {
			rows.Close()
			return fmt.Errorf("queue: migrate: %w", err)
		}
		if a := legacyAction(process); a != "" {
			actions[id] = a
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("queue: migrate: %w", err)
	}
	for id, a := range actions {
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET action = ? WHERE id = ?`, a, id); err != nil {
			return fmt.Errorf("queue: migrate: %w", err)
		}
	}
	return nil
}

// legacyActions are the actions that existed before tasks stored theirs.
var legacyActions = []string{"video/concat", "video/sprite"}

// legacyAction is the action of a process string stored before the action
// column existed: its first stage's name. Every such string passed the
// parser at submission, so it starts with one of legacyActions followed by
// a parameter (','), a segment ('/'), the next stage ('|') or nothing. Any
// other string gets no action; the task fails with NotImplemented if it
// ever runs.
func legacyAction(process string) string {
	for _, a := range legacyActions {
		rest, ok := strings.CutPrefix(process, a)
		if ok && (rest == "" || strings.ContainsRune(",/|", rune(rest[0]))) {
			return a
		}
	}
	return ""
}
