package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// The publishing journal makes a task's outputs appear all at once or not
// at all. Before a run publishes, it records in the queue's database which
// files of its work directory go to which keys; the row lives until the
// task is final. A process that dies while publishing leaves the row (and,
// because the start-up wipe spares journaled directories, the files), and
// the next start rolls the publication forward from them and marks the
// task succeeded (recover.go), instead of running the task again.
//
// With a storage.Batcher (storage/local) the outputs become visible in one
// index transaction, so no reader ever sees part of the set. Other backends
// (S3, which has no multi-object transaction) get one PutObject per output:
// there a reader can see part of the set while publishing is under way, or
// after a crash mid-publish until the next start rolls it forward.
const journalSchema = `CREATE TABLE IF NOT EXISTS publishing (
	task_id TEXT PRIMARY KEY,
	dir     TEXT NOT NULL,
	outputs TEXT NOT NULL
)`

// journal is one publishing row: the run's work directory (relative to the
// work root) and its outputs, one per key, in publication order.
type journal struct {
	Dir     string          `json:"-"`
	Outputs []journalOutput `json:"outputs"`
}

// journalOutput is one output of a journal: a file of the work directory
// (relative to it) and where it goes.
type journalOutput struct {
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	File        string `json:"file"`
	ContentType string `json:"ctype"`
	Size        int64  `json:"size"`
}

// targets returns the journal's keys as the task's targets.
func (j *journal) targets() []Ref {
	out := make([]Ref, len(j.Outputs))
	for i, o := range j.Outputs {
		out[i] = Ref{Bucket: o.Bucket, Key: o.Key}
	}
	return out
}

// check verifies that every file of the journal is still in root/Dir with
// its recorded size.
func (j *journal) check(root string) error {
	for _, o := range j.Outputs {
		fi, err := os.Stat(filepath.Join(root, j.Dir, o.File))
		if err != nil {
			return err
		}
		if fi.Size() != o.Size {
			return fmt.Errorf("%s has %d bytes, %d were journaled", o.File, fi.Size(), o.Size)
		}
	}
	return nil
}

// beginPublish records j for task id, provided the run holding token still
// owns the task.
func (q *Queue) beginPublish(ctx context.Context, id, token string, j *journal) error {
	outs, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	res, err := tx.ExecContext(ctx, `UPDATE tasks SET lease_until = lease_until
		WHERE id = ? AND state = 'running' AND lease_owner = ?`, id, token)
	if err := leaseResult(res, err); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO publishing (task_id, dir, outputs) VALUES (?, ?, ?)
		ON CONFLICT (task_id) DO UPDATE SET dir = excluded.dir, outputs = excluded.outputs`,
		id, j.Dir, string(outs)); err != nil {
		return fmt.Errorf("queue: journal: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: commit: %w", err)
	}
	return nil
}

// endPublish deletes task id's journal.
func (q *Queue) endPublish(ctx context.Context, id string) error {
	return endPublishTx(ctx, q.w, id)
}

// endPublishTx deletes task id's journal through db (a transaction, when
// the deletion must commit with the task's final state).
func endPublishTx(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, id string) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM publishing WHERE task_id = ?`, id); err != nil {
		return fmt.Errorf("queue: journal: %w", err)
	}
	return nil
}

// journals returns every journal by task id.
func (q *Queue) journals(ctx context.Context) (map[string]*journal, error) {
	rows, err := q.w.QueryContext(ctx, `SELECT task_id, dir, outputs FROM publishing`)
	if err != nil {
		return nil, fmt.Errorf("queue: journal: %w", err)
	}
	defer rows.Close()
	out := map[string]*journal{}
	for rows.Next() {
		var id, dir, outs string
		if err := rows.Scan(&id, &dir, &outs); err != nil {
			return nil, fmt.Errorf("queue: journal: %w", err)
		}
		j := &journal{}
		if err := json.Unmarshal([]byte(outs), j); err != nil {
			return nil, fmt.Errorf("queue: journal of %s: %w", id, err)
		}
		j.Dir = dir
		out[id] = j
	}
	return out, rows.Err()
}

// dropStaleJournals deletes the journals of tasks no longer running: their
// run recorded the outcome but died before removing the journal.
func (q *Queue) dropStaleJournals(ctx context.Context) error {
	_, err := q.w.ExecContext(ctx, `DELETE FROM publishing
		WHERE task_id NOT IN (SELECT id FROM tasks WHERE state = 'running')`)
	if err != nil {
		return fmt.Errorf("queue: journal: %w", err)
	}
	return nil
}

// adopt takes over an orphaned running task found with lease t.LeaseUntil,
// under token for lease: afterwards only token can finish it.
func (q *Queue) adopt(ctx context.Context, t *Task, token string, lease time.Duration) error {
	res, err := q.w.ExecContext(ctx, `UPDATE tasks SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND state = 'running' AND lease_until = ?`,
		token, ms(q.now().Add(lease)), t.ID, ms(t.LeaseUntil))
	return leaseResult(res, err)
}
