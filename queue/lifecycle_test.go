package queue

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func succeed(_ context.Context, job *Job) (*Result, error) { return writeOutput(job, "out.mp4", "ok") }

func testFinishHookCommitsWithState(t *testing.T, st testStore) {
	var calls atomic.Int32
	e := newEnvOn(t, st, Processors{actConcat: procFunc(succeed)}, func(c *Config) {
		c.OnFinish = func(ctx context.Context, tx *sql.Tx, task *Task) error {
			if calls.Add(1) == 1 {
				// The row written here must vanish with the rollback.
				if _, err := tx.ExecContext(ctx, `INSERT INTO outbox VALUES (?, ?)`, task.ID, "first"); err != nil {
					return err
				}
				return errors.New("outbox full")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO outbox VALUES (?, ?)`, task.ID, string(task.State))
			return err
		}
	})
	_, err := e.q.DB().Exec(`CREATE TABLE outbox (task_id TEXT, state TEXT)`)
	require.NoError(t, err)
	e.start(t)
	id := e.submit(t, "concat").ID
	fin := e.wait(t)
	require.Equal(t, Succeeded, fin.State)
	require.EqualValues(t, 2, calls.Load(), "a failed hook rolls back and the task re-runs")
	var rows []string
	r, err := e.q.r.Query(`SELECT state FROM outbox WHERE task_id = ?`, id)
	require.NoError(t, err)
	for r.Next() {
		var s string
		require.NoError(t, r.Scan(&s))
		rows = append(rows, s)
	}
	require.NoError(t, r.Close())
	require.Equal(t, []string{"succeeded"}, rows)
	require.Equal(t, 2, e.get(t, id).Attempts)
}

func testPanicKeepsWorkerAlive(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{
		actSprite: procFunc(func(context.Context, *Job) (*Result, error) { panic("libav exploded") }),
		actConcat: procFunc(succeed),
	}, func(c *Config) { c.Workers = 1 })
	e.start(t)
	bad := e.submit(t, "sprite").ID
	good := e.submit(t, "concat").ID
	first, second := e.wait(t), e.wait(t)
	require.Equal(t, bad, first.ID)
	require.Equal(t, Failed, first.State)
	require.Equal(t, "InternalError", first.Code)
	require.Contains(t, first.Message, "libav exploded")
	require.Equal(t, good, second.ID)
	require.Equal(t, Succeeded, second.State)
}

// orphan leaves a task running under a lease nobody renews, as a process
// killed mid-run does.
func orphan(t *testing.T, q *Queue, lease time.Duration) *Task {
	return orphanRun(t, q, lease, false)
}

// orphanRun is orphan; suspect makes the run a suspect's (crash.go), which
// is blamed for the process's death.
func orphanRun(t *testing.T, q *Queue, lease time.Duration, suspect bool) *Task {
	t.Helper()
	task, err := q.Enqueue(context.Background(), NewTask{Action: actConcat, Bucket: "b", Object: "src.mp4", Process: "concat"})
	require.NoError(t, err)
	_, err = q.w.Exec(`UPDATE tasks SET suspect = ? WHERE id = ?`, flag(suspect), task.ID)
	require.NoError(t, err)
	claimed, err := q.claim(context.Background(), "dead-process", lease, suspect)
	require.NoError(t, err)
	require.Equal(t, task.ID, claimed.ID)
	require.Equal(t, Running, claimed.State)
	return claimed
}

func TestStartRequeuesOrphans(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "queue.db")
	q, err := Open(context.Background(), path)
	require.NoError(t, err)
	stale := orphan(t, q, time.Hour) // lease still valid on paper
	require.NoError(t, q.Close())    // the process dies

	e := newEnv(t, Processors{actConcat: procFunc(succeed)}, nil)
	require.NoError(t, e.q.Close())
	e.q, err = Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { e.q.Close() })
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, stale.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State)
	require.Equal(t, 2, e.get(t, stale.ID).Attempts)
}

func testExpiredLeaseIsReaped(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{actConcat: procFunc(succeed)}, func(c *Config) {
		c.LeaseTimeout = 60 * time.Millisecond
	})
	p, err := NewPool(e.q, e.cfg)
	require.NoError(t, err)
	require.NoError(t, p.start(context.Background())) // startup recovery runs before the orphan exists
	stale := orphan(t, e.q, time.Millisecond)
	// reap(false) leaves live leases alone and takes expired ones.
	live := orphan(t, e.q, time.Hour)
	// Leases are stored in whole milliseconds and expire strictly after.
	require.Eventually(t, func() bool { return time.Now().After(stale.LeaseUntil.Add(time.Millisecond)) }, time.Second, time.Millisecond)
	require.NoError(t, p.reap(context.Background(), false))
	require.Equal(t, Queued, e.get(t, stale.ID).State)
	require.Equal(t, Running, e.get(t, live.ID).State)
}

func testCrashLoopGivesUp(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{actConcat: procFunc(succeed)}, func(c *Config) { c.MaxAttempts = 1 })
	// A suspect's run (crash.go), expired: on a shared store a live lease is
	// another node's.
	stale := orphanRun(t, e.q, time.Millisecond, true)
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, stale.ID, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, "InternalError", fin.Code)
	require.Contains(t, fin.Message, "interrupted 1 times")
}

func testProgressIsRecordedWhileRunning(t *testing.T, st testStore) {
	reported := make(chan struct{})
	release := make(chan struct{})
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		for i := 0; i <= 40; i++ {
			job.Progress(i) // called far more often than it is written
		}
		job.Progress(250) // clamped
		job.Progress(42)
		close(reported)
		<-release
		return writeOutput(job, "out.mp4", "ok")
	})}, nil)
	e.start(t)
	id := e.submit(t, "concat").ID
	<-reported
	require.Eventually(t, func() bool { return e.get(t, id).Progress == 42 }, 10*time.Second, 5*time.Millisecond)
	got := e.get(t, id)
	require.Equal(t, Running, got.State)
	require.True(t, got.LeaseUntil.After(time.Now()))
	close(release)
	fin := e.wait(t)
	require.Equal(t, 100, fin.Progress)
}

func testShutdownRequeuesRunningTask(t *testing.T, st testStore) {
	started := make(chan struct{})
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		close(started)
		<-ctx.Done() // a long encode, interrupted
		return writeOutput(job, "out.mp4", "half")
	})}, func(c *Config) { c.ShutdownGrace = 0 })
	stop := e.start(t)
	id := e.submit(t, "concat").ID
	<-started
	stop()
	got := e.get(t, id)
	require.Equal(t, Queued, got.State)
	require.Equal(t, 0, got.Attempts, "a run stopped by shutdown is not an attempt")
	require.Zero(t, e.store.count(), "nothing published")
}

func testShutdownWaitsForRunningTaskWithinGrace(t *testing.T, st testStore) {
	started := make(chan struct{})
	release := make(chan struct{})
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		close(started)
		<-release
		return writeOutput(job, "out.mp4", "done")
	})}, func(c *Config) { c.Workers = 1 })
	p, err := NewPool(e.q, e.cfg)
	require.NoError(t, err)
	ctx, shutdown := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx) }()
	id := e.submit(t, "concat").ID
	queued := e.submit(t, "concat").ID
	<-started
	// Shutdown starts before the running task ends (a stop() racing with
	// the release could let the freed worker claim the next task first).
	shutdown()
	close(release)
	require.NoError(t, <-stopped)
	require.Equal(t, Succeeded, e.get(t, id).State)
	require.Equal(t, Queued, e.get(t, queued).State, "no task is claimed after shutdown starts")
}

func testTaskTimeoutFailsHungRun(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		<-ctx.Done() // a decoder stuck until told to stop
		return nil, ctx.Err()
	})}, func(c *Config) { c.TaskTimeout = 50 * time.Millisecond })
	e.start(t)
	id := e.submit(t, "concat").ID
	fin := e.wait(t)
	require.Equal(t, id, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, "InternalError", fin.Code)
	require.Contains(t, fin.Message, "time limit")
	require.Equal(t, 1, fin.Attempts, "not retried")
}
