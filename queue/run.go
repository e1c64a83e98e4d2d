package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// run executes one claimed task and records its outcome. ctx is the pool's
// (cancelled at shutdown); runCtx is cancelled when the grace period ends.
func (p *Pool) run(ctx, runCtx context.Context, t *Task, token string) {
	log := p.log.With("task", t.ID, "attempt", t.Attempts)
	// leaseCtx ends only when the run loses its task; jobCtx also ends when
	// the grace period runs out. Publishing uses leaseCtx so shutdown never
	// interrupts it half-way through a task's outputs.
	leaseCtx, loseLease := context.WithCancel(context.WithoutCancel(runCtx))
	defer loseLease()
	limitCtx, stopLimit := context.WithTimeoutCause(leaseCtx, p.cfg.TaskTimeout, errTaskTimeout)
	defer stopLimit()
	jobCtx, stopJob := context.WithCancel(limitCtx)
	defer stopJob()
	defer context.AfterFunc(runCtx, stopJob)()
	jobCtx, untrack := p.q.running.track(jobCtx, t.ID) // running.go
	defer untrack()

	var progress atomic.Int32
	hbDone := make(chan struct{})
	hbStop := make(chan struct{})
	go func() {
		defer close(hbDone)
		p.heartbeat(leaseCtx, t, token, &progress, hbStop, loseLease)
	}()
	stopHeartbeat := func() { close(hbStop); <-hbDone }

	dir := filepath.Join(p.cfg.WorkRoot, fmt.Sprintf("%s-%d", t.ID, t.Attempts))
	keepDir := false
	defer func() {
		if !keepDir {
			os.RemoveAll(dir)
		}
	}()
	targets, journaled, err := p.execute(jobCtx, leaseCtx, t, token, dir, func(pct int) {
		progress.Store(int32(min(max(pct, 0), 100)))
	})
	stopHeartbeat()
	if leaseCtx.Err() != nil {
		// A journaled publication is rolled forward from dir by the reaper.
		keepDir = journaled
		log.Warn("queue: lost the task's lease; dropping this run's outcome")
		return
	}
	fctx := context.WithoutCancel(runCtx)
	switch {
	case err == nil:
		t.State, t.Targets, t.Code, t.Message = Succeeded, targets, "", ""
		err = p.finishRun(fctx, t, token, dir)
		if err == nil {
			log.Info("queue: task succeeded", "targets", len(targets))
			return
		}
		if errors.Is(err, errLeaseLost) {
			keepDir = true // another owner took the task over, journal and all
			log.Warn("queue: lost the task's lease while recording success")
			return
		}
		log.Error("queue: recording success", "err", err)
		// The task is not succeeded, so its outputs must not stay visible;
		// it runs again and publishes them anew.
		p.unpublish(fctx, t, targets)
		if err := p.q.endPublish(fctx, t.ID); err != nil {
			log.Warn("queue: ending the publication", "err", err)
		}
		err = osserr.Transient(err)
	case runCtx.Err() != nil:
		if rerr := p.q.release(fctx, t.ID, token); rerr != nil {
			log.Error("queue: re-queueing a stopped task", "err", rerr)
		}
		log.Info("queue: task stopped by shutdown; re-queued")
		return
	}
	code, msg := describe(err)
	if osserr.IsTransient(err) && t.charged() < p.cfg.MaxAttempts {
		next := time.Now().Add(p.cfg.backoff(t.Attempts))
		if rerr := p.q.retry(fctx, t.ID, token, next, code, msg); rerr != nil {
			log.Error("queue: scheduling a retry", "err", rerr)
		}
		log.Warn("queue: transient failure; will retry", "err", err, "at", next)
		return
	}
	t.State, t.Targets, t.Code, t.Message = Failed, nil, code, msg
	if ferr := p.finishRun(fctx, t, token, dir); ferr != nil {
		log.Error("queue: recording failure", "err", ferr)
		if rerr := p.q.retry(fctx, t.ID, token, time.Now().Add(p.cfg.backoff(t.Attempts)), code, msg); rerr != nil {
			log.Error("queue: scheduling a retry", "err", rerr)
		}
		return
	}
	log.Info("queue: task failed", "code", code, "message", msg)
}

// finishRun records t's final state for the run holding token, then removes
// the run's work directory dir, and only then calls Finished: whoever hears
// of the end finds nothing of the run left behind.
func (p *Pool) finishRun(ctx context.Context, t *Task, token, dir string) error {
	if err := p.commitFinish(ctx, t, token); err != nil {
		return err
	}
	os.RemoveAll(dir)
	p.finished(t)
	return nil
}

// errTaskTimeout is the cause of a run's context when it hits TaskTimeout.
var errTaskTimeout = errors.New("queue: task time limit reached")

// describe turns a run error into the task's Code and Message.
func describe(err error) (string, string) {
	if e, ok := osserr.As(err); ok {
		return e.Code.Name, e.Message
	}
	return osserr.InternalError.Name, err.Error()
}

// heartbeat extends the lease and writes throttled progress until stop is
// closed. Losing the lease cancels the run through lose; a cancel mark on
// the task stops it as Cancel does.
func (p *Pool) heartbeat(ctx context.Context, t *Task, token string, progress *atomic.Int32,
	stop <-chan struct{}, lose context.CancelFunc) {
	tick := time.NewTicker(min(p.cfg.ProgressInterval, p.cfg.LeaseTimeout/3))
	defer tick.Stop()
	written, lastBeat := int32(0), time.Now()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur := progress.Load()
		if cur == written && time.Since(lastBeat) < p.cfg.LeaseTimeout/3 {
			continue
		}
		cancel, err := p.q.heartbeat(ctx, t.ID, token, int(cur), p.cfg.LeaseTimeout)
		switch {
		case errors.Is(err, errLeaseLost):
			lose()
			return
		case err != nil:
			p.log.Warn("queue: heartbeat", "task", t.ID, "err", err)
		default:
			written, lastBeat = cur, time.Now()
			p.q.emit(t.ID, Running, int(cur)) // events.go
			if cancel {
				p.q.running.cancel(t.ID) // a Cancel on another node (cancel.go)
			}
		}
	}
}

// execute runs the processor of the task's action in the fresh work
// directory dir and publishes the outputs (journaled: see publish).
// Processor panics become permanent InternalErrors.
func (p *Pool) execute(jobCtx, leaseCtx context.Context, t *Task, token, dir string, progress func(int)) (targets []Ref, journaled bool, err error) {
	proc := p.cfg.Processors[t.Action]
	if proc == nil {
		return nil, false, osserr.New(osserr.NotImplemented, "no processor for %q is configured", t.Action)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, osserr.Transient(fmt.Errorf("queue: creating work dir: %w", err))
	}
	job := &Job{
		TaskID: t.ID, Action: t.Action, Process: t.Process, Bucket: t.Bucket, Object: t.Object, Storage: p.cfg.Storage,
		WorkDir: dir, Threads: p.cfg.TaskThreads, CreatedAt: t.CreatedAt, Progress: progress,
	}
	if cerr := cancelled(jobCtx); cerr != nil { // cancelled before it started
		return nil, false, cerr
	}
	res, err := p.safeProcess(jobCtx, proc, job)
	if cerr := cancelled(jobCtx); cerr != nil { // cancel.go
		return nil, false, cerr
	}
	if errors.Is(context.Cause(jobCtx), errTaskTimeout) {
		// A hung decoder (a corrupt file can do that) must not hold a
		// worker forever; running it again would hang again.
		return nil, false, osserr.New(osserr.InternalError, "processing took longer than the %s task time limit", p.cfg.TaskTimeout)
	}
	if err != nil {
		return nil, false, err
	}
	if err := jobCtx.Err(); err != nil {
		return nil, false, err // stopped: a result produced while stopping is not trusted
	}
	targets, journaled, err = p.publish(leaseCtx, t, token, dir, res)
	if err == nil {
		t.Detail = res.Detail // recorded by finish with the success
	}
	return targets, journaled, err
}

// safeProcess runs the processor, turning a panic into a permanent failure
// so one bad input cannot take the worker (or the emulator) down.
func (p *Pool) safeProcess(ctx context.Context, proc Processor, job *Job) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = osserr.New(osserr.InternalError, "the processor crashed: %v", r)
			p.log.Error("queue: processor panic", "task", job.TaskID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	return proc.Process(ctx, job)
}
