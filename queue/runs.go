package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"
)

// Run is one run of a task: which node ran which attempt. A run stopped by
// shutdown is not an attempt (the task is re-queued with its attempt count
// unchanged), so the run after it has the same Attempt.
type Run struct {
	Attempt   int
	Node      string
	StartedAt time.Time
}

// runsSchema is the SQLite table of runs, one row per claim, written in
// the claim's transaction (see claim in lease.go). Old databases get it
// from CREATE TABLE IF NOT EXISTS; it starts empty.
const runsSchema = `
CREATE TABLE IF NOT EXISTS task_runs (
	id         INTEGER PRIMARY KEY,
	token      TEXT NOT NULL,
	task_id    TEXT NOT NULL,
	attempt    INTEGER NOT NULL,
	node       TEXT NOT NULL,
	started_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS task_runs_task ON task_runs(task_id, started_at);
`

// recordRun records, inside the claim's transaction, that this node started
// attempt t.Attempts of t under the lease token.
func (q *Queue) recordRun(ctx context.Context, tx *sql.Tx, t *Task, token string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO task_runs (token, task_id, attempt, node, started_at) VALUES (?, ?, ?, ?, ?)`,
		token, t.ID, t.Attempts, q.node, ms(now)); err != nil {
		return fmt.Errorf("queue: recording the run of %s: %w", t.ID, err)
	}
	return nil
}

// runs returns a task's runs, oldest first.
func (q *Queue) runs(ctx context.Context, id string) ([]Run, error) {
	rows, err := q.r.QueryContext(ctx, `SELECT attempt, node, started_at FROM task_runs WHERE task_id = ?
		ORDER BY started_at, attempt`, id)
	if err != nil {
		return nil, fmt.Errorf("queue: runs of %s: %w", id, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var started int64
		if err := rows.Scan(&r.Attempt, &r.Node, &started); err != nil {
			return nil, fmt.Errorf("queue: runs of %s: %w", id, err)
		}
		r.StartedAt = fromMS(started)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Node is the node id this queue records with each run.
func (q *Queue) Node() string { return q.node }

// DefaultNodeID is the host name followed by six random hex digits, so two
// processes on one host (or two containers with one name) differ.
func DefaultNodeID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	host, _, _ = strings.Cut(host, ".")
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}
