package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// FinishHook runs inside the transaction that moves a task to Succeeded or
// Failed, after the task row is updated, so whatever it writes (the
// notifier's outbox row) commits atomically with the final state: there is
// never a finished task without its notification, nor a notification for a
// task that is not finished. t holds the final state. Returning an error
// rolls the whole transaction back; the run is then retried like a
// transient failure. Use only tx: Queue.DB has a single connection, which
// tx holds, so querying DB from the hook would wait forever.
type FinishHook func(ctx context.Context, tx *sql.Tx, t *Task) error

// errLeaseLost means the run no longer owns its task (the lease expired and
// the task was handed to another run); the run's outcome is dropped.
var errLeaseLost = errors.New("queue: lease lost")

// claim takes the oldest ready queued task among the suspects (suspect) or
// the others (crash.go), marks it running under a lease owned by token and
// returns it; nil when nothing is ready. The run is recorded (which node
// runs which attempt) in the same transaction.
func (q *Queue) claim(ctx context.Context, token string, lease time.Duration, suspect bool) (*Task, error) {
	now := q.now()
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("queue: claim: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	row := tx.QueryRowContext(ctx, `UPDATE tasks SET state = 'running', attempts = attempts + 1,
		lease_owner = ?, lease_until = ?, progress = 0,
		started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END
		WHERE seq = (SELECT seq FROM tasks WHERE state = 'queued' AND suspect = ? AND next_run_at <= ? ORDER BY seq LIMIT 1`+
		sqldb.Of(q.w).SkipLocked()+`)
		RETURNING `+taskColumns, token, ms(now.Add(lease)), ms(now), flag(suspect), ms(now))
	t, _, err := scanTask(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("queue: claim: %w", err)
	}
	if err := q.recordRun(ctx, tx, t, token, now); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("queue: claim: %w", err)
	}
	q.running.claimed(t.ID, t.cancelRequested) // running.go
	q.emit(t.ID, Running, 0)                   // events.go
	return t, nil
}

// heartbeat extends the lease and records progress; errLeaseLost when the
// task is no longer this run's. cancel reports whether a Cancel has marked
// the task (cancel.go): the renewal doubles as the run's look at the mark.
func (q *Queue) heartbeat(ctx context.Context, id, token string, progress int, lease time.Duration) (cancel bool, err error) {
	var mark int
	err = q.w.QueryRowContext(ctx, `UPDATE tasks SET lease_until = ?, progress = ?
		WHERE id = ? AND state = 'running' AND lease_owner = ? RETURNING cancel_requested`,
		ms(q.now().Add(lease)), progress, id, token).Scan(&mark)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, errLeaseLost
	case err != nil:
		return false, fmt.Errorf("queue: %w", err)
	}
	return mark != 0, nil
}

func leaseResult(res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if n == 0 {
		return errLeaseLost
	}
	return nil
}

// finishTask is finish plus the Finished callback after the commit. The
// task's publishing journal is deleted in the same transaction: once the
// task is final there is nothing left to roll forward.
func (p *Pool) finishTask(ctx context.Context, t *Task, token string) error {
	if err := p.commitFinish(ctx, t, token); err != nil {
		return err
	}
	p.finished(t)
	return nil
}

// commitFinish is finish with the journal's deletion and OnFinish as its hook.
func (p *Pool) commitFinish(ctx context.Context, t *Task, token string) error {
	return p.q.finish(ctx, t, token, func(ctx context.Context, tx *sql.Tx, t *Task) error {
		if err := endPublishTx(ctx, tx, t.ID); err != nil {
			return err
		}
		if p.cfg.OnFinish != nil {
			return p.cfg.OnFinish(ctx, tx, t)
		}
		return nil
	})
}

// finished calls the Finished callback with a copy of t.
func (p *Pool) finished(t *Task) {
	if p.cfg.Finished != nil {
		c := *t
		p.cfg.Finished(&c)
	}
}

// finish moves a running task to its final state t.State (Succeeded or
// Failed) with t's targets, code and message, and runs hook in the same
// transaction. token must still own the lease ("" skips that check, for
// orphan recovery where no run owns the task).
func (q *Queue) finish(ctx context.Context, t *Task, token string, hook FinishHook) error {
	tgt, err := json.Marshal(t.Targets)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if t.Targets == nil {
		tgt = []byte("[]")
	}
	t.FinishedAt = q.now().UTC().Truncate(time.Millisecond)
	var detail any // NULL unless a success reported one
	if t.State == Succeeded {
		t.Progress = 100
		if len(t.Detail) > 0 {
			detail = string(t.Detail)
		}
	} else {
		t.Detail = nil
	}
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	res, err := tx.ExecContext(ctx, `UPDATE tasks SET state = ?, targets = ?, code = ?, message = ?,
		progress = ?, finished_at = ?, lease_owner = '', lease_until = 0, detail = ?
		WHERE id = ? AND state = 'running' AND (? = '' OR lease_owner = ?)`,
		string(t.State), string(tgt), t.Code, t.Message, t.Progress, ms(t.FinishedAt), detail,
		t.ID, token, token)
	if err := leaseResult(res, err); err != nil {
		return err
	}
	t.LeaseUntil = time.Time{}
	if hook != nil {
		if err := hook(ctx, tx, t); err != nil {
			return fmt.Errorf("queue: finish hook for %s: %w", t.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: commit: %w", err)
	}
	q.emit(t.ID, t.State, t.Progress) // events.go
	return nil
}

// retry puts a running task back in the queue to run again at next, keeping
// the last error visible in code and message. The run ended without killing
// the process, so the task is no longer a suspect.
func (q *Queue) retry(ctx context.Context, id, token string, next time.Time, code, msg string) error {
	res, err := q.w.ExecContext(ctx, `UPDATE tasks SET state = 'queued', next_run_at = ?, suspect = 0,
		lease_owner = '', lease_until = 0, progress = 0, code = ?, message = ?
		WHERE id = ? AND state = 'running' AND lease_owner = ?`, ms(next), code, msg, id, token)
	return q.emitIf(leaseResult(res, err), id, Queued) // events.go
}

// release puts a task interrupted by shutdown back in the queue without
// counting the run as an attempt: it did not fail, it was stopped.
func (q *Queue) release(ctx context.Context, id, token string) error {
	res, err := q.w.ExecContext(ctx, `UPDATE tasks SET state = 'queued', next_run_at = 0,
		attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, lease_owner = '', lease_until = 0, progress = 0
		WHERE id = ? AND state = 'running' AND lease_owner = ?`, id, token)
	return q.emitIf(leaseResult(res, err), id, Queued) // events.go
}

// orphans returns running tasks whose lease is dead: every running task when
// all is set (at start, the previous owner process is gone: Open holds the
// data directory's lock), else those whose lease expired before now.
func (q *Queue) orphans(ctx context.Context, all bool) ([]*Task, error) {
	query := `SELECT ` + taskColumns + ` FROM tasks WHERE state = 'running'`
	var args []any
	if !all {
		query += ` AND lease_until < ?`
		args = append(args, ms(q.now()))
	}
	rows, err := q.w.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("queue: orphans: %w", err)
	}
	defer rows.Close()
	var out []*Task
	for rows.Next() {
		t, _, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// requeueOrphan puts an orphaned running task back in the queue if it is
// still running with the lease it had when it was found. forgive uncounts
// the interrupted run and makes the task a suspect (crash.go).
func (q *Queue) requeueOrphan(ctx context.Context, t *Task, forgive bool) error {
	res, err := q.w.ExecContext(ctx, `UPDATE tasks SET state = 'queued', next_run_at = 0,
		forgiven = forgiven + ?, suspect = CASE WHEN ? = 1 THEN 1 ELSE suspect END,
		lease_owner = '', lease_until = 0, progress = 0
		WHERE id = ? AND state = 'running' AND lease_until = ?`, flag(forgive), flag(forgive), t.ID, ms(t.LeaseUntil))
	return q.emitIf(leaseResult(res, err), t.ID, Queued) // events.go
}

// suspectReady reports whether a suspect waits to run.
func (q *Queue) suspectReady(ctx context.Context) (bool, error) {
	var ready bool
	err := q.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tasks
		WHERE state = 'queued' AND suspect = 1 AND next_run_at <= ?)`, ms(q.now())).Scan(&ready)
	if err != nil {
		return false, fmt.Errorf("queue: %w", err)
	}
	return ready, nil
}

// flag is b as the 0/1 the integer flag columns hold (portable to both
// stores: PostgreSQL does not take a boolean for an INTEGER).
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
