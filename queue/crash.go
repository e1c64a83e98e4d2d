package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// Which process deaths count against a task.
//
// A task that kills the process whenever it runs (a decoder crash, memory
// exhaustion) must be stopped, or the emulator crash-loops forever; so a
// death must be charged to a task, and a task charged MaxAttempts times
// fails. But a process that dies for reasons of its own (a crash-looping
// container, a restarting host, kill -9) must not burn the attempts of the
// tasks that happened to be running. From inside one process the two look
// alike: tasks were running, the process died. A death is blamed on a task
// only when nothing else can explain it:
//
//   - every task a process death interrupts becomes a suspect, and that run
//     is forgiven (Task.Forgiven: it does not count);
//   - a suspect runs alone (the pool claims nothing else meanwhile) and
//     only once the pool has run for Config.Settle, so in a process that
//     has proved healthy without it;
//   - a process death under such a run is charged to the suspect; a
//     suspect run that ends (succeeded, failed, retried) clears the mark.
//
// So a process killed again and again within Settle of its start charges
// nothing (the suspects do not even run), kill -9 of a healthy emulator
// charges nothing, and a task that kills the process every time it runs
// is charged from its second run on and fails after MaxAttempts charged
// runs (1 + MaxAttempts process deaths), with InternalError "interrupted N
// times". A lease that expires while this process keeps running (the run
// hung, or its heartbeats failed) is charged as before: the process is
// alive, so the run is the likely culprit. On a store several nodes share,
// a run whose lease another node finds expired was cut short by its node's
// death, like an orphan at start.

// settled reports whether the pool has run for Settle: suspects may run.
func (p *Pool) settled() bool { return time.Since(p.started) >= p.cfg.Settle }

// reap recovers running tasks whose lease is dead: every one at start (the
// previous owner process is gone: Open holds the data directory's lock),
// else those whose lease expired. A task whose run was publishing is rolled
// forward (recover.go); any other is re-queued, or failed when the runs
// blamed on it reach MaxAttempts.
func (p *Pool) reap(ctx context.Context, atStart bool) error {
	ts, err := p.q.orphans(ctx, atStart)
	if err != nil {
		p.log.Error("queue: looking for orphaned tasks", "err", err)
		return err
	}
	if len(ts) == 0 {
		return nil
	}
	pending, err := p.q.journals(ctx)
	if err != nil {
		p.log.Error("queue: reading the publishing journal", "err", err)
		return err
	}
	for _, t := range ts {
		if j := pending[t.ID]; j != nil && p.rollForward(ctx, t, j) {
			continue
		}
		if err := p.recoverOrphan(ctx, t, atStart); err != nil {
			p.log.Error("queue: recovering orphaned task", "task", t.ID, "err", err)
			continue
		}
		p.log.Info("queue: recovered orphaned task", "task", t.ID, "attempts", t.Attempts, "forgiven", t.Forgiven, "state", t.State)
	}
	p.q.poke()
	return nil
}

// runDied reports whether t's current run belongs to a process other than
// this pool's: another node (a shared store), or this node before a
// restart. Every run is recorded at claim (runs.go); a task without a
// record was claimed by a version that kept none.
func (p *Pool) runDied(ctx context.Context, t *Task) (bool, error) {
	var (
		node    string
		started int64
	)
	err := p.q.w.QueryRowContext(ctx, `SELECT node, started_at FROM task_runs
		WHERE task_id = ? AND attempt = ? ORDER BY started_at DESC LIMIT 1`, t.ID, t.Attempts).Scan(&node, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("queue: the run of %s: %w", t.ID, err)
	}
	return node != p.q.node || fromMS(started).Before(p.started), nil
}

// recoverOrphan re-queues or fails one orphaned task (see the top of this
// file). When the run's process died (every orphan at start; on a shared
// store, a run of another node or of an earlier process), the run is
// charged if it ran as a suspect (alone, in a settled pool), else forgiven.
// A run of this very process whose lease expired is charged.
func (p *Pool) recoverOrphan(ctx context.Context, t *Task, atStart bool) error {
	died := atStart
	if !died {
		var err error
		if died, err = p.runDied(ctx, t); err != nil {
			return err
		}
	}
	forgive := died && !t.suspect
	if !forgive && t.charged() >= p.cfg.MaxAttempts {
		t.State, t.Code = Failed, osserr.InternalError.Name
		t.Message = fmt.Sprintf("the task was interrupted %d times while running, each time with nothing else "+
			"to blame (it ran alone in an emulator process that had been running stably, or its run stopped "+
			"renewing its lease); giving up: the task itself likely kills the process", t.charged())
		return p.finishTask(ctx, t, "")
	}
	if forgive {
		t.Forgiven++
	}
	t.State = Queued
	return p.q.requeueOrphan(ctx, t, forgive)
}
