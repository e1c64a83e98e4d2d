package queue

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/pgtest"
	"github.com/ossemu/ossemu/internal/sqldb"
)

// Conformance cases about cancelling a run and hearing of task changes from
// another node (cancel.go, running.go, relay.go). On SQLite, which one
// process owns, the "other node" is a Canceller over the same queue with no
// pool.

// otherNode opens a second node on e's store (the same queue on SQLite).
func otherNode(t *testing.T, st testStore, loc string, e *env) *Queue {
	t.Helper()
	if st.name == "sqlite" {
		return e.q
	}
	return st.open(t, loc, WithNode("api-node"))
}

// blockUntilStopped is a processor that reports it started and holds its
// task until its context ends, then returns a result anyway (which must not
// be published).
func blockUntilStopped(started chan<- string, stopped chan<- time.Time) procFunc {
	return func(ctx context.Context, job *Job) (*Result, error) {
		started <- job.TaskID
		<-ctx.Done()
		stopped <- time.Now()
		return writeOutput(job, "out.mp4", "half")
	}
}

// finishHookCounter is an OnFinish that counts its calls per task.
func finishHookCounter(c *counter) FinishHook {
	return func(_ context.Context, _ *sql.Tx, t *Task) error {
		c.add(t.ID)
		return nil
	}
}

// requireNoMoreFinishes fails if a task finishes again within 200ms.
func (e *env) requireNoMoreFinishes(t *testing.T) {
	t.Helper()
	select {
	case again := <-e.finished:
		t.Fatalf("%s finished twice", again.ID)
	case <-time.After(200 * time.Millisecond):
	}
}

// A node without a pool cancels a task another node runs: the run stops
// well before any lease renewal could have told it (the lease is an hour and
// the progress never changes, so only the cancel's own path can), the task
// fails once with TaskCancelled, nothing is published and the running
// node's finish hook (the notification) runs once.
func testCancelFromAnotherNode(t *testing.T, st testStore) {
	loc := st.create(t)
	started, stopped := make(chan string, 1), make(chan time.Time, 1)
	var hooks counter
	e := envOn(t, st.open(t, loc, WithNode("worker-node")), Processors{actConcat: blockUntilStopped(started, stopped)},
		func(c *Config) {
			c.LeaseTimeout = time.Hour
			c.OnFinish = finishHookCounter(&hooks)
		})
	e.start(t)
	b := otherNode(t, st, loc, e)
	id := e.submit(t, "concat").ID
	require.Equal(t, id, <-started)
	asked := time.Now()
	require.NoError(t, NewCanceller(b, nil, nil).Cancel(context.Background(), id))
	// The lease is an hour long, so only the cancel can have stopped the run.
	requireStopped(t, stopped, asked, st.name+": the run stopped %s after the cancel")
	fin := e.wait(t)
	require.Equal(t, id, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, CodeCancelled, fin.Code)
	require.Equal(t, cancelMessage, fin.Message)
	got, err := b.Get(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, Failed, got.State)
	require.Equal(t, 1, got.Attempts, "not retried")
	require.Zero(t, e.store.count(), "nothing published")
	require.Equal(t, 1, hooks.get(id), "one notification")
	require.ErrorIs(t, NewCanceller(b, nil, nil).Cancel(context.Background(), id), ErrFinished)
	e.requireNoMoreFinishes(t)
}

// Without the fast paths (on PostgreSQL the notifying trigger is disabled;
// the mark is written straight into the row, as by a node whose
// notification was lost), the run finds the mark at its next lease
// renewal: within LeaseTimeout/3 plus one progress check.
func testCancelMarkFoundAtLeaseRenewal(t *testing.T, st testStore) {
	loc := st.create(t)
	started, stopped := make(chan string, 1), make(chan time.Time, 1)
	e := envOn(t, st.open(t, loc), Processors{actConcat: blockUntilStopped(started, stopped)}, func(c *Config) {
		c.LeaseTimeout, c.ProgressInterval = 900*time.Millisecond, 100*time.Millisecond
	})
	if e.q.Shared() {
		_, err := e.q.w.Exec(`ALTER TABLE tasks DISABLE TRIGGER tasks_cancel_requested`)
		require.NoError(t, err)
	}
	e.start(t)
	id := e.submit(t, "concat").ID
	require.Equal(t, id, <-started)
	asked := time.Now()
	_, err := e.q.w.Exec(`UPDATE tasks SET cancel_requested = 1 WHERE id = ?`, id)
	require.NoError(t, err)
	// Nothing else stops the run (renewals keep its lease), so the renewal
	// found the mark; expected within LeaseTimeout/3 (300ms) plus one check
	// (100ms).
	requireStopped(t, stopped, asked, st.name+": the lease renewal found the mark %s after it was written")
	fin := e.wait(t)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, CodeCancelled, fin.Code)
	require.Zero(t, e.store.count())
}

// requireStopped waits for a blocked run to report its stop, failing after
// 10 s, and logs (not asserts: shared machines) how long after asked it
// came; logf has one %s for that duration.
func requireStopped(t *testing.T, stopped <-chan time.Time, asked time.Time, logf string) {
	t.Helper()
	select {
	case at := <-stopped:
		t.Logf(logf, at.Sub(asked))
	case <-time.After(10 * time.Second):
		t.Fatal("the run was not stopped")
	}
}

// A cancel racing with the end of each of many runs: every task ends in
// exactly one final state (succeeded with its output, or cancelled with
// none), with one finish hook call and one Finished call each.
func testCancelRacesWithFinish(t *testing.T, st testStore) {
	loc := st.create(t)
	const tasks = 16
	started := make(chan string, tasks)
	var hooks counter
	var n atomic.Int32
	e := envOn(t, st.open(t, loc), Processors{actConcat: procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		started <- job.TaskID
		// 0–15ms: around the cancel's own latency, so some runs end first.
		select {
		case <-time.After(time.Duration(n.Add(1)%6) * 3 * time.Millisecond):
		case <-ctx.Done():
		}
		return writeOutput(job, "out/"+job.TaskID, "done")
	})}, func(c *Config) {
		c.Workers = 4
		c.OnFinish = finishHookCounter(&hooks)
	})
	e.start(t)
	b := otherNode(t, st, loc, e)
	cancel := NewCanceller(b, nil, nil)
	for range tasks {
		e.submit(t, "concat")
	}
	ends := map[string]*Task{}
	for range tasks {
		id := <-started
		if err := cancel.Cancel(context.Background(), id); err != nil {
			require.ErrorIs(t, err, ErrFinished)
		}
	}
	var cancelled int
	for range tasks {
		fin := e.wait(t)
		require.Nil(t, ends[fin.ID], "%s finished twice", fin.ID)
		ends[fin.ID] = fin
		got := e.get(t, fin.ID)
		require.Equal(t, fin.State, got.State)
		_, published := e.store.get("b", "out/"+fin.ID)
		switch fin.State {
		case Succeeded:
			require.True(t, published)
		case Failed:
			require.Equal(t, CodeCancelled, fin.Code)
			require.False(t, published)
			cancelled++
		}
		require.Equal(t, 1, hooks.get(fin.ID))
	}
	t.Logf("%s: %d of %d runs were cancelled, the others had finished", st.name, cancelled, tasks)
	e.requireNoMoreFinishes(t)
}

// A task cancelled while its run's node is dead goes back to the queue
// with the mark when its lease expires; the next run to claim it stops
// before the processor starts.
func testCancelledOrphanIsNotRunAgain(t *testing.T, st testStore) {
	loc := st.create(t)
	var ran atomic.Int32
	procs := Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		ran.Add(1)
		return writeOutput(job, "out.mp4", "ran")
	})}
	var (
		e    *env
		dead *Queue
	)
	if st.name == "sqlite" {
		e = envOn(t, st.open(t, loc), procs, nil)
		dead = e.q // the run is the previous process's, left running in the file
	} else {
		dead = st.open(t, loc, WithNode("dead-node"))
	}
	stale := orphan(t, dead, 200*time.Millisecond)
	require.NoError(t, NewCanceller(dead, nil, nil).Cancel(context.Background(), stale.ID))
	if e == nil {
		e = envOn(t, st.open(t, loc, WithNode("live-node")), procs, nil)
	}
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, stale.ID, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, CodeCancelled, fin.Code)
	require.Zero(t, ran.Load(), "the processor never ran")
	require.Zero(t, e.store.count())
}

// A node without a pool hears of the tasks another node submits and runs:
// the submission, the start, the progress and the end; the running node's
// own subscribers hear each change once.
func testEventsReachOtherNodes(t *testing.T, st testStore) {
	requireShared(t, st)
	loc := st.create(t)
	release := make(chan struct{})
	e := envOn(t, st.open(t, loc, WithNode("worker-node")), Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		job.Progress(40)
		<-release
		return writeOutput(job, "out.mp4", "ok")
	})}, nil)
	api := st.open(t, loc, WithNode("api-node"))
	awaitListening(t, api)
	awaitListening(t, e.q)
	remote, stopRemote := api.Subscribe()
	defer stopRemote()
	local, stopLocal := e.q.Subscribe()
	defer stopLocal()
	e.start(t)
	id := e.submit(t, "concat").ID
	next := func(ch <-chan Event, what string) Event {
		t.Helper()
		for {
			select {
			case ev, ok := <-ch:
				require.True(t, ok, "the subscription ended")
				if ev.TaskID == id {
					return ev
				}
			case <-time.After(20 * time.Second):
				t.Fatal(what)
			}
		}
	}
	require.Equal(t, Queued, next(remote, "the submission").State)
	require.Equal(t, Running, next(remote, "the start").State)
	ev := next(remote, "the progress")
	require.Equal(t, Event{TaskID: id, State: Running, Progress: 40}, Event{TaskID: ev.TaskID, State: ev.State, Progress: ev.Progress})
	require.WithinDuration(t, time.Now(), ev.At, 10*time.Second)
	close(release)
	ev = next(remote, "the end")
	require.Equal(t, Succeeded, ev.State)
	require.Equal(t, 100, ev.Progress)
	require.Equal(t, Succeeded, e.wait(t).State)

	// The running node's subscriber: each state once, in order.
	var states []State
	deadline := time.After(time.Second) // the other node's copy would have arrived by now
	for done := false; !done; {
		select {
		case ev := <-local:
			if ev.TaskID == id && (len(states) == 0 || states[len(states)-1] != ev.State) {
				states = append(states, ev.State)
			} else if ev.TaskID == id && ev.State != Running {
				t.Fatalf("%s heard twice on its own node", ev.State)
			}
		case <-deadline:
			done = true
		}
	}
	require.Equal(t, []State{Queued, Running, Succeeded}, states)
}

// awaitListening waits until q's LISTEN connection is up: a subscription
// made before it is dropped when it comes up (changes may have been
// missed), so the test subscribes after. The callback is on the events
// topic, after the queue's own, so the drop has happened when it runs.
func awaitListening(t *testing.T, q *Queue) {
	t.Helper()
	up := make(chan struct{}, 1)
	sqldb.OnNotify(q.w, sqldb.TopicEvents, func() {
		select {
		case up <- struct{}{}:
		default:
		}
	})
	select {
	case <-up:
	case <-time.After(20 * time.Second):
		t.Fatal("the LISTEN connection did not come up")
	}
}

// A PostgreSQL schema made before cancel requests existed (migrations 1–3)
// is upgraded at open, and its running task can be cancelled.
func TestPostgresMigratesToCancelRequests(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	db, err := sqldb.Open(context.Background(), url, sqldb.Options{})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, sqldb.Migrate(context.Background(), db, "queue", pgMigrations[:3]))
	_, err = db.Exec(`INSERT INTO tasks (id, type, event_id, request_id, bucket, object, process, state, created_at, lease_owner, lease_until)
		VALUES (?, 'MediaConvert', 'E', 'R', 'b', 'src.mp4', 'concat', 'running', 1700000000000, 'old-run', ?)`,
		"MediaConvert-old", time.Now().Add(time.Hour).UnixMilli())
	require.NoError(t, err)
	q := postgresStore().open(t, url)
	require.NoError(t, NewCanceller(q, nil, nil).Cancel(context.Background(), "MediaConvert-old"))
	got, err := q.Get(context.Background(), "MediaConvert-old")
	require.NoError(t, err)
	require.True(t, got.cancelRequested)
	var version int
	require.NoError(t, db.QueryRow(`SELECT MAX(version) FROM schema_migrations WHERE component = 'queue'`).Scan(&version))
	require.Equal(t, len(pgMigrations), version, fmt.Sprint("migrated to ", len(pgMigrations)))
}
