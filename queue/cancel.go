package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sync"

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

// Cancel stops task id. A queued task ends at once: Failed with code
// TaskCancelled, its finish hook (the notification) committed in the same
// transaction. A running task's run is stopped; it ends the same way when
// its processor returns, and publishes nothing. Cancel returns
// ErrNotFound for an unknown task and ErrFinished for one that has ended.
func (p *Pool) Cancel(ctx context.Context, id string) error {
	t, err := p.q.cancelQueued(ctx, id, p.cfg.OnFinish)
	if err != nil {
		return err
	}
	if t != nil {
		if p.cfg.Finished != nil {
			p.cfg.Finished(t)
		}
		return nil
	}
	cur, err := p.q.Get(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case cur.State.Final():
		return ErrFinished
	case cur.State == Running:
		p.runs.cancel(id)
		return nil
	}
	// Queued again between the two reads (a retry): try once more.
	return p.Cancel(ctx, id)
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

// runRegistry knows how to stop each running task of a pool. A Cancel that
// arrives between the claim and the run's registration is remembered and
// applied when the run registers. The zero value is ready to use.
type runRegistry struct {
	mu      sync.Mutex
	stops   map[string]context.CancelCauseFunc
	pending map[string]bool
}

// track makes ctx cancellable by Cancel for task id; untrack must be called
// when the run ends.
func (r *runRegistry) track(ctx context.Context, id string) (context.Context, func()) {
	ctx, stop := context.WithCancelCause(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stops == nil {
		r.stops, r.pending = map[string]context.CancelCauseFunc{}, map[string]bool{}
	}
	r.stops[id] = stop
	if r.pending[id] {
		delete(r.pending, id)
		stop(errCancelled)
	}
	return ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.stops, id)
		stop(nil)
	}
}

// cancel stops the run of id, or remembers the request until it registers.
func (r *runRegistry) cancel(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if stop, ok := r.stops[id]; ok {
		stop(errCancelled)
		return
	}
	if r.pending == nil {
		r.stops, r.pending = map[string]context.CancelCauseFunc{}, map[string]bool{}
	}
	r.pending[id] = true
}

// cancelled is the error a run stopped by Cancel fails with: permanent, so
// the task is not retried; nil when ctx was not cancelled that way.
func cancelled(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), errCancelled) {
		return osserr.New(codeCancelled, "%s", cancelMessage)
	}
	return nil
}
