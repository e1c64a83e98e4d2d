package queue

import (
	"context"
	"sync"
)

// runRegistry knows how to stop each run of this process, so that a cancel
// request reaching the process (from Cancel in the same process, from
// another node's NOTIFY, from the heartbeat's read of the flag) stops the
// run at once. A task is registered when this process claims it; a cancel
// that arrives between the claim and the run's registration is remembered
// and applied when the run registers. Tasks this process never claimed are
// ignored: another node runs them. The zero value is ready to use.
type runRegistry struct {
	mu   sync.Mutex
	runs map[string]*localRun
}

// localRun is one task claimed by this process.
type localRun struct {
	stop    context.CancelCauseFunc // nil until the run registers
	pending bool                    // cancelled before it registered
}

// claimed records that this process claimed task id; cancel is set when the
// task's row already asks for a cancel (it went back to the queue after a
// Cancel found it running), so its run stops as soon as it starts.
func (r *runRegistry) claimed(id string, cancel bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[string]*localRun{}
	}
	r.runs[id] = &localRun{pending: cancel}
}

// track makes ctx stoppable by cancel for task id; untrack must be called
// when the run ends.
func (r *runRegistry) track(ctx context.Context, id string) (context.Context, func()) {
	ctx, stop := context.WithCancelCause(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs == nil {
		r.runs = map[string]*localRun{}
	}
	run := r.runs[id]
	if run == nil {
		run = &localRun{}
		r.runs[id] = run
	}
	run.stop = stop
	if run.pending {
		stop(errCancelled)
	}
	return ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.runs[id] == run {
			delete(r.runs, id)
		}
		stop(nil)
	}
}

// cancel stops this process's run of id, or remembers the request until a
// claimed task's run registers; it reports whether this process has id.
func (r *runRegistry) cancel(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	run, ok := r.runs[id]
	if !ok {
		return false
	}
	if run.stop != nil {
		run.stop(errCancelled)
	} else {
		run.pending = true
	}
	return true
}
