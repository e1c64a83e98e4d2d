package leaseloop_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/leaseloop"
	"github.com/ossemu/ossemu/internal/testutil"
)

// table is an in-memory work table: items become claimable at their due
// time and are claimed once.
type table struct {
	mu    sync.Mutex
	items map[int]time.Time // id → due
}

func newTable() *table { return &table{items: map[int]time.Time{}} }

func (tb *table) add(id int, due time.Time) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.items[id] = due
}

// claim takes up to n due items (lowest id first) and reports the earliest
// due time of the rest.
func (tb *table) claim(_ context.Context, n int) ([]int, time.Time) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []int
	var next time.Time
	for id := 0; id < 1000 && len(tb.items) > 0; id++ {
		due, ok := tb.items[id]
		switch {
		case !ok:
		case !due.After(time.Now()) && len(out) < n:
			out = append(out, id)
			delete(tb.items, id)
		case due.After(time.Now()) && (next.IsZero() || due.Before(next)):
			next = due
		}
	}
	return out, next
}

// run starts l until the test ends and returns a stop func that cancels it
// and waits for Run to return.
func run[T any](t *testing.T, l *leaseloop.Loop[T]) (stop func()) {
	t.Helper()
	return testutil.RunBackground(t, func(ctx context.Context) error { l.Run(ctx); return nil })
}

func recv(t *testing.T, ch <-chan int) int {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("nothing ran")
		return 0
	}
}

// Every item runs once, never more than Workers at a time; a worker that
// frees up makes the loop claim again without any nudge or poll.
func TestRunsEveryItemOnTheWorkers(t *testing.T) {
	t.Parallel()
	tb := newTable()
	for id := range 20 {
		tb.add(id, time.Time{})
	}
	var running, peak atomic.Int32
	ran := make(chan int, 20)
	release := make(chan struct{})
	l := &leaseloop.Loop[int]{
		Workers: 3, Poll: time.Hour, Claim: tb.claim,
		Handle: func(id int) {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			<-release
			running.Add(-1)
			ran <- id
		},
	}
	run(t, l)
	close(release)
	seen := map[int]bool{}
	for range 20 {
		id := recv(t, ran)
		require.False(t, seen[id], "item %d ran twice", id)
		seen[id] = true
	}
	require.LessOrEqual(t, peak.Load(), int32(3))
	require.Positive(t, peak.Load())
}

// A nudge on Wake makes the loop claim at once, long before Poll.
func TestWakeClaimsAtOnce(t *testing.T) {
	t.Parallel()
	tb := newTable()
	wake := make(chan struct{}, 1)
	ran := make(chan int, 1)
	run(t, &leaseloop.Loop[int]{Workers: 1, Poll: time.Hour, Wake: wake, Claim: tb.claim, Handle: func(id int) { ran <- id }})
	tb.add(7, time.Time{})
	wake <- struct{}{}
	require.Equal(t, 7, recv(t, ran))
}

// An item due later is claimed when it falls due, without a nudge, even
// with a long Poll.
func TestNextDueTimeShortensTheWait(t *testing.T) {
	t.Parallel()
	tb := newTable()
	due := time.Now().Add(50 * time.Millisecond)
	tb.add(1, due)
	ran := make(chan int, 1)
	run(t, &leaseloop.Loop[int]{Workers: 1, Poll: time.Hour, Claim: tb.claim, Handle: func(id int) { ran <- id }})
	require.Equal(t, 1, recv(t, ran))
	require.False(t, time.Now().Before(due), "claimed before it was due")
}

// With Repoll, work that becomes visible just after a nudge (a producer
// that nudges before it commits) is found without waiting for Poll.
func TestRepollFindsWorkCommittedAfterTheNudge(t *testing.T) {
	t.Parallel()
	tb := newTable()
	wake := make(chan struct{}, 1)
	ran := make(chan int, 1)
	claims := make(chan struct{}, 100)
	run(t, &leaseloop.Loop[int]{
		Workers: 1, Poll: time.Hour, Wake: wake, Repoll: true,
		Claim: func(ctx context.Context, n int) ([]int, time.Time) {
			select {
			case claims <- struct{}{}:
			default:
			}
			return tb.claim(ctx, n)
		},
		Handle: func(id int) { ran <- id },
	})
	<-claims // the first pass found nothing
	wake <- struct{}{}
	<-claims // the nudged pass, before the commit
	tb.add(3, time.Time{})
	require.Equal(t, 3, recv(t, ran))
}

// Tend runs before each claim and what it produces is claimed in the same
// pass.
func TestTendRunsBeforeClaim(t *testing.T) {
	t.Parallel()
	tb := newTable()
	ran := make(chan int, 1)
	var tended atomic.Bool
	run(t, &leaseloop.Loop[int]{
		Workers: 1, Poll: time.Hour, Claim: tb.claim, Handle: func(id int) { ran <- id },
		Tend: func(context.Context) bool {
			if tended.CompareAndSwap(false, true) {
				tb.add(5, time.Time{})
				return true
			}
			return false
		},
	})
	require.Equal(t, 5, recv(t, ran))
}

// Shutdown claims nothing more and waits for the running items; without
// Stop it waits as long as they take.
func TestShutdownWaitsForRunningItems(t *testing.T) {
	t.Parallel()
	tb := newTable()
	tb.add(1, time.Time{})
	started, release := make(chan int, 1), make(chan struct{})
	var finished atomic.Bool
	stop := run(t, &leaseloop.Loop[int]{
		Workers: 1, Poll: time.Hour, Claim: tb.claim,
		Handle: func(id int) { started <- id; <-release; finished.Store(true) },
	})
	require.Equal(t, 1, recv(t, started))
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	tb.add(2, time.Time{})
	select {
	case <-stopped:
		t.Fatal("Run returned while an item was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-stopped
	require.True(t, finished.Load())
	_, left := tb.claim(context.Background(), 0)
	require.True(t, left.IsZero())
	tb.mu.Lock()
	defer tb.mu.Unlock()
	require.Contains(t, tb.items, 2, "nothing is claimed after shutdown")
}

// With Stop, items still running when Grace ends are stopped, and Run
// returns once they have returned.
func TestShutdownGraceStopsRunningItems(t *testing.T) {
	t.Parallel()
	tb := newTable()
	tb.add(1, time.Time{})
	started, stopCalled := make(chan int, 1), make(chan struct{})
	stop := run(t, &leaseloop.Loop[int]{
		Workers: 1, Poll: time.Hour, Claim: tb.claim, Grace: 20 * time.Millisecond,
		Stop:   func() { close(stopCalled) },
		Handle: func(id int) { started <- id; <-stopCalled },
	})
	require.Equal(t, 1, recv(t, started))
	begin := time.Now()
	stop()
	require.GreaterOrEqual(t, time.Since(begin), 20*time.Millisecond)
	select {
	case <-stopCalled:
	default:
		t.Fatal("Stop was not called")
	}
}
