// Package leaseloop is the claim-and-run loop shared by ossemu's two SQLite
// work tables: the task queue's worker pool and the notifier's delivery
// dispatcher. Each claims due rows under a lease with its own SQL; this
// package owns what is the same in both: a fixed number of workers, the wait
// between claims (a poll interval, cut short by a nudge when new work is
// committed, by a worker freeing up, or by the time the next row falls
// due), and the drain at shutdown.
package leaseloop

import (
	"context"
	"sync"
	"time"
)

// Loop is one claim-and-run loop. T is what Claim leases (a task with its
// lease token, a delivery). Set the fields, then call Run once.
type Loop[T any] struct {
	// Workers is how many claimed items run at once (at least 1).
	Workers int
	// Poll is the longest wait between two claims.
	Poll time.Duration
	// Wake nudges the loop to claim at once: new work was committed. nil
	// means only Poll, freed workers and Claim's next time wake it.
	Wake <-chan struct{}
	// Tend, when set, runs before each claim: housekeeping such as
	// re-queueing expired leases or fanning out new messages. It reports
	// whether it produced work (which, with Repoll, makes the loop look
	// again soon).
	Tend func(ctx context.Context) bool
	// Claim leases up to n due items (n is the number of idle workers and
	// may be 0) and reports when the earliest item not yet due falls due
	// (zero when none or unknown). It logs its own errors and then returns
	// nothing; the loop tries again after the wait.
	Claim func(ctx context.Context, n int) (items []T, next time.Time)
	// Handle runs one claimed item on a worker.
	Handle func(item T)
	// Repoll makes the loop look again soon after a pass that found work or
	// after a nudge: 1 ms after work (5 ms after a nudge), doubling up to
	// Poll. It is for producers that nudge before their transaction has
	// committed (the notifier's finish hook runs inside the task's
	// transaction), whose rows become visible just after the nudge.
	Repoll bool
	// Grace and Stop shape the drain at shutdown: Run waits Grace for the
	// running items, then calls Stop (which should make them return soon)
	// and waits for them. With Stop nil, Run waits as long as they take.
	Grace time.Duration
	Stop  func()
}

// Run claims and runs items until ctx is done; then it claims nothing more,
// waits for the running items (see Grace and Stop) and returns.
func (l *Loop[T]) Run(ctx context.Context) {
	slots := make(chan struct{}, max(l.Workers, 1))
	freed := make(chan struct{}, 1) // a worker finished
	var wg sync.WaitGroup
	defer l.drain(&wg)
	var fast time.Duration // the decaying quick re-poll of Repoll
	for ctx.Err() == nil {
		worked := l.Tend != nil && l.Tend(ctx)
		items, next := l.Claim(ctx, cap(slots)-len(slots))
		for _, it := range items {
			worked = true
			slots <- struct{}{}
			wg.Go(func() {
				defer func() {
					<-slots
					nudge(freed)
				}()
				l.Handle(it)
			})
		}
		wait := l.Poll
		if !next.IsZero() && len(slots) < cap(slots) { // when every worker is busy, a finishing one wakes the loop
			wait = min(wait, max(time.Until(next), time.Millisecond))
		}
		if l.Repoll {
			if worked {
				fast = time.Millisecond
			}
			if fast > 0 {
				wait = min(wait, fast)
				if fast *= 2; fast > l.Poll {
					fast = 0
				}
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-l.Wake:
			fast = 5 * time.Millisecond
		case <-freed:
			fast = 5 * time.Millisecond
		case <-timer.C:
		}
		timer.Stop()
	}
}

// drain waits for the running items, calling Stop once Grace has passed.
func (l *Loop[T]) drain(wg *sync.WaitGroup) {
	if l.Stop == nil {
		wg.Wait()
		return
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	grace := time.NewTimer(l.Grace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
		l.Stop()
		<-done
	}
}

// nudge signals ch without blocking: one pending signal is enough.
func nudge(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
