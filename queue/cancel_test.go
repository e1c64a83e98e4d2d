package queue

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/parser"
)

func TestCancelQueuedTaskRunsFinishHook(t *testing.T) {
	t.Parallel()
	hooked := make(chan *Task, 1)
	e := newEnv(t, Processors{parser.ActionConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		t.Error("a cancelled task must not run")
		return writeOutput(job, "out.mp4", "ok")
	})}, func(c *Config) {
		c.OnFinish = func(_ context.Context, _ *sql.Tx, t *Task) error { hooked <- t; return nil }
	})
	p, err := NewPool(e.q, e.cfg) // not running: the task stays queued
	require.NoError(t, err)
	id := e.submit(t, "concat").ID
	require.NoError(t, p.Cancel(t.Context(), id))

	got := e.get(t, id)
	require.Equal(t, Failed, got.State)
	require.Equal(t, CodeCancelled, got.Code)
	require.Equal(t, cancelMessage, got.Message)
	require.False(t, got.FinishedAt.IsZero())
	require.Equal(t, id, (<-hooked).ID)
	require.Equal(t, id, e.wait(t).ID, "Finished is called")

	require.ErrorIs(t, p.Cancel(t.Context(), id), ErrFinished)
	require.ErrorIs(t, p.Cancel(t.Context(), "MediaConvert-nope"), ErrNotFound)
}

func TestCancelRunningTaskStopsItsRun(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	e := newEnv(t, Processors{parser.ActionConcat: procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		close(started)
		<-ctx.Done() // a long encode, stopped
		return writeOutput(job, "out.mp4", "half")
	})}, nil)
	p, err := NewPool(e.q, e.cfg)
	require.NoError(t, err)
	testutil.RunBackground(t, p.Run)
	id := e.submit(t, "concat").ID
	<-started
	require.NoError(t, p.Cancel(t.Context(), id))
	fin := e.wait(t)
	require.Equal(t, id, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, CodeCancelled, fin.Code)
	require.Equal(t, 1, fin.Attempts, "not retried")
	require.Zero(t, e.store.count(), "nothing published")
}

func TestCancelBeforeTheRunRegisters(t *testing.T) {
	t.Parallel()
	var r runRegistry
	require.False(t, r.cancel("a"), "a task this process never claimed is another node's")
	r.claimed("a", false)
	require.True(t, r.cancel("a"))
	ctx, untrack := r.track(context.Background(), "a")
	defer untrack()
	require.Error(t, cancelled(ctx))
	r.claimed("b", false)
	other, untrackOther := r.track(context.Background(), "b")
	untrackOther()
	require.NoError(t, cancelled(other), "ending a run is not a cancel")
	require.False(t, r.cancel("b"), "an ended run is forgotten")
	r.claimed("c", true) // claimed again after a cancel marked it
	marked, untrackMarked := r.track(context.Background(), "c")
	defer untrackMarked()
	require.Error(t, cancelled(marked))
}
