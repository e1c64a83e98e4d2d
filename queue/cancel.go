package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/ossemu/ossemu/osserr"
)

// CodeCancelled is the Code of a task stopped by Cancel. IMM's task states
// are only Queued, Running, Succeeded and Failed, so a cancelled task is
// Failed with this code, and its notification says so like any failure.
const CodeCancelled = "TaskCancelled"

// codeCancelled is CodeCancelled as an error code (409: the task's state,
// not the request, is what changed).
var codeCancelled = osserr.Code{Name: CodeCancelled, Status: http.StatusConflict, EC: "0050-00000409"}

// cancelMessage is the Message of a cancelled task.
const cancelMessage = "the task was cancelled before it finished"

// ErrFinished is returned by Cancel for a task that has already ended.
var ErrFinished = errors.New("queue: the task has already ended")

// errCancelled is the cause given to a running task's context by Cancel.
var errCancelled = errors.New("queue: task cancelled")

// Canceller cancels tasks from any node of the queue's store: it needs no
// Pool, so an api node (which runs no tasks) cancels with one. How a cancel
// travels:
//
//   - A queued task ends at once, in the database: Failed with code
//     TaskCancelled, its finish hook (the notification) committed in the
//     same transaction.
//   - A running task's row is marked (cancel_requested). The node running
//     it stops the run: at once when that is this process; within one
//     LISTEN/NOTIFY delivery on PostgreSQL (the tasks_cancel_requested
//     trigger; a few milliseconds); and in any case at the run's next
//     lease renewal, whose UPDATE returns the mark. A run renews when its
//     progress changes (checked every min(ProgressInterval, LeaseTimeout/3))
//     and at least every LeaseTimeout/3, so without the notification (the
//     LISTEN connection was down) the worst case is LeaseTimeout/3 plus
//     one check: about 11s with the defaults (30s lease, 1s progress).
//   - The stopped run fails the task with TaskCancelled and publishes
//     nothing, through the same guarded finish as any outcome (only the
//     run holding the lease can end the task), so a cancel racing with the
//     task's end still leaves exactly one final state: whichever committed
//     first. A run that had finished processing publishes and succeeds.
//   - A marked task that goes back to the queue instead (its node died, or
//     shut down, or a transient failure raced with the cancel) is stopped
//     by the next run that claims it, before its processor starts.
type Canceller struct {
	q        *Queue
	onFinish FinishHook
	finished func(*Task)
}

// NewCanceller returns a Canceller over q. onFinish runs in the
// transaction that fails a queued task, and finished after it commits, as
// Config.OnFinish and Config.Finished do for the pool (either may be nil).
func NewCanceller(q *Queue, onFinish FinishHook, finished func(*Task)) *Canceller {
	return &Canceller{q: q, onFinish: onFinish, finished: finished}
}

// Cancel stops task id (see Canceller). It returns ErrNotFound for an
// unknown task and ErrFinished for one that has ended.
func (c *Canceller) Cancel(ctx context.Context, id string) error {
	for ctx.Err() == nil {
		t, err := c.q.cancelQueued(ctx, id, c.onFinish)
		if err != nil {
			return err
		}
		if t != nil {
			if c.finished != nil {
				c.finished(t)
			}
			return nil
		}
		marked, err := c.q.requestCancel(ctx, id)
		if err != nil {
			return err
		}
		if marked {
			c.q.running.cancel(id) // the fast path: this process runs it
			return nil
		}
		cur, err := c.q.Get(ctx, id)
		if err != nil {
			return err
		}
		if cur.State.Final() {
			return ErrFinished
		}
		// Queued again between the reads (a retry): try once more.
	}
	return ctx.Err()
}

// Cancel stops task id with the pool's finish hooks: see Canceller.
func (p *Pool) Cancel(ctx context.Context, id string) error {
	return NewCanceller(p.q, p.cfg.OnFinish, p.cfg.Finished).Cancel(ctx, id)
}

// requestCancel marks id for cancelling if it is running; false when it
// was not. On PostgreSQL the mark's trigger notifies every node (relay.go).
func (q *Queue) requestCancel(ctx context.Context, id string) (bool, error) {
	res, err := q.w.ExecContext(ctx, `UPDATE tasks SET cancel_requested = 1 WHERE id = ? AND state = 'running'`, id)
	if err != nil {
		return false, fmt.Errorf("queue: cancel: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("queue: cancel: %w", err)
	}
	return n > 0, nil
}

// cancelQueued fails id if it is queued, with hook in the same transaction;
// nil when it was not queued.
func (q *Queue) cancelQueued(ctx context.Context, id string, hook FinishHook) (*Task, error) {
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("queue: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	row := tx.QueryRowContext(ctx, `UPDATE tasks SET state = 'failed', code = ?, message = ?,
		finished_at = ?, next_run_at = 0 WHERE id = ? AND state = 'queued' RETURNING `+taskColumns,
		CodeCancelled, cancelMessage, ms(q.now()), id)
	t, _, err := scanTask(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("queue: cancel: %w", err)
	}
	if hook != nil {
		if err := hook(ctx, tx, t); err != nil {
			return nil, fmt.Errorf("queue: finish hook for %s: %w", t.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("queue: commit: %w", err)
	}
	q.emit(t.ID, t.State, t.Progress)
	return t, nil
}

// cancelled is the error a run stopped by Cancel fails with: permanent, so
// the task is not retried; nil when ctx was not cancelled that way.
func cancelled(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errCancelled) {
		return osserr.New(codeCancelled, "%s", cancelMessage)
	}
	return nil
}
