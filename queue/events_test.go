package queue

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// nextEvent returns the next event for task id, skipping other tasks'.
func nextEvent(t *testing.T, ch <-chan Event, id string) Event {
	t.Helper()
	for {
		select {
		case e, ok := <-ch:
			require.True(t, ok, "subscription closed")
			if e.TaskID == id {
				return e
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no event")
		}
	}
}

func TestEventsFollowTheLifecycle(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	reported := make(chan struct{})
	e := newEnv(t, Processors{parser.ActionConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		job.Progress(37)
		close(reported)
		<-release
		return writeOutput(job, "out.mp4", "ok")
	})}, nil)
	ch, cancel := e.q.Subscribe()
	defer cancel()
	e.start(t)
	id := e.submit(t, "concat").ID

	require.Equal(t, Queued, nextEvent(t, ch, id).State)
	require.Equal(t, Running, nextEvent(t, ch, id).State)
	<-reported
	progress := nextEvent(t, ch, id)
	require.Equal(t, Running, progress.State)
	require.Equal(t, 37, progress.Progress)
	close(release)
	fin := nextEvent(t, ch, id)
	require.Equal(t, Succeeded, fin.State)
	require.Equal(t, 100, fin.Progress)
	require.False(t, fin.At.IsZero())
}

func TestEventsRetryGoesBackToQueued(t *testing.T) {
	t.Parallel()
	runs := 0
	e := newEnv(t, Processors{parser.ActionConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		runs++
		if runs == 1 {
			return nil, osserr.Transient(context.DeadlineExceeded)
		}
		return writeOutput(job, "out.mp4", "ok")
	})}, func(c *Config) { c.Workers = 1 })
	ch, cancel := e.q.Subscribe()
	defer cancel()
	e.start(t)
	id := e.submit(t, "concat").ID
	var states []State
	for {
		ev := nextEvent(t, ch, id)
		if n := len(states); n == 0 || states[n-1] != ev.State {
			states = append(states, ev.State)
		}
		if ev.State.Final() {
			break
		}
	}
	require.Equal(t, []State{Queued, Running, Queued, Running, Succeeded}, states)
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	t.Parallel()
	var b broadcaster
	slow, stopSlow := b.subscribe()
	defer stopSlow()
	fast, stopFast := b.subscribe()
	for i := range eventBuffer + 1 {
		b.publish(Event{TaskID: "t", Progress: i % 100})
		<-fast // keeps up
	}
	n := 0
	for range slow {
		n++
	}
	require.Equal(t, eventBuffer, n, "the slow channel holds what fitted, then is closed")
	stopFast()
	stopFast() // idempotent
	_, open := <-fast
	require.False(t, open)
}
