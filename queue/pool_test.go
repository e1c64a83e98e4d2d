package queue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func testRunOutcomes(t *testing.T, st testStore) {
	tests := []struct {
		name     string
		process  func(ctx context.Context, job *Job) (*Result, error)
		state    State
		code     string
		message  string
		attempts int
		object   string // expected content of b/out.mp4; "" = absent
	}{
		{
			name:     "success publishes the output",
			process:  func(_ context.Context, job *Job) (*Result, error) { return writeOutput(job, "out.mp4", "video") },
			state:    Succeeded,
			attempts: 1,
			object:   "video",
		},
		{
			name: "permanent failure is not retried",
			process: func(context.Context, *Job) (*Result, error) {
				return nil, osserr.New(osserr.InvalidMedia, "not a video")
			},
			state: Failed, code: "InvalidMedia", message: "not a video", attempts: 1,
		},
		{
			name: "plain errors are permanent internal errors",
			process: func(context.Context, *Job) (*Result, error) {
				return nil, errors.New("boom")
			},
			state: Failed, code: "InternalError", message: "boom", attempts: 1,
		},
		{
			name: "transient failures are retried up to the limit",
			process: func(context.Context, *Job) (*Result, error) {
				return nil, osserr.Transient(osserr.New(osserr.InternalError, "disk hiccup"))
			},
			state: Failed, code: "InternalError", message: "disk hiccup", attempts: 3,
		},
		{
			name: "a panic fails the task",
			process: func(context.Context, *Job) (*Result, error) {
				var m map[string]int
				//lint:ignore SA5000 the runtime panic is the point
				m["x"]++
				return nil, nil
			},
			state: Failed, code: "InternalError", attempts: 1,
		},
		{
			name:    "no outputs is a failure",
			process: func(context.Context, *Job) (*Result, error) { return &Result{}, nil },
			state:   Failed, code: "InternalError", attempts: 1,
		},
		{
			name: "an output outside the work dir is refused",
			process: func(context.Context, *Job) (*Result, error) {
				return &Result{Outputs: []Output{{Key: "out.mp4", Path: "/etc/passwd"}}}, nil
			},
			state: Failed, code: "InternalError", attempts: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvOn(t, st, Processors{actConcat: procFunc(tc.process)}, func(c *Config) { c.MaxAttempts = 3 })
			e.start(t)
			id := e.submit(t, "concat").ID
			fin := e.wait(t)
			require.Equal(t, id, fin.ID)
			got := e.get(t, id)
			require.Equal(t, tc.state, got.State)
			require.Equal(t, tc.code, got.Code)
			if tc.message != "" {
				require.Equal(t, tc.message, got.Message)
			}
			require.Equal(t, tc.attempts, got.Attempts)
			require.False(t, got.FinishedAt.IsZero())
			require.False(t, got.FinishedAt.Before(got.StartedAt))
			data, ok := e.store.get("b", "out.mp4")
			require.Equal(t, tc.object != "", ok)
			require.Equal(t, tc.object, string(data))
			if tc.state == Succeeded {
				require.Equal(t, 100, got.Progress)
				require.Equal(t, []Ref{{Bucket: "b", Key: "out.mp4"}}, got.Targets)
			} else {
				require.Empty(t, got.Targets)
			}
			// The work directory is removed after the run.
			entries, err := os.ReadDir(e.cfg.WorkRoot)
			require.NoError(t, err)
			require.Empty(t, entries)
		})
	}
}

func testDispatchByAction(t *testing.T, st testStore) {
	mk := func(name string) Processor {
		return procFunc(func(_ context.Context, job *Job) (*Result, error) {
			if job.Threads != 1 || job.Bucket != "b" || job.Object != "src.mp4" || job.Action != testAction(name) {
				return nil, fmt.Errorf("unexpected job %+v", job)
			}
			if !strings.HasPrefix(job.Process, name) {
				// What a processor does with a process string it cannot parse.
				return nil, osserr.New(osserr.InvalidArgument, "bad process %q", job.Process)
			}
			if fi, err := os.Stat(job.WorkDir); err != nil || !fi.IsDir() {
				return nil, fmt.Errorf("work dir: %v", err)
			}
			return writeOutput(job, name+".out", name)
		})
	}
	e := newEnvOn(t, st, Processors{actConcat: mk("concat"), actSprite: mk("sprite")}, nil)
	e.start(t)
	c := e.submit(t, "concat").ID
	s := e.submit(t, "sprite").ID
	bad := e.submit(t, "nonsense").ID
	got := map[string]*Task{}
	for range 3 {
		fin := e.wait(t)
		got[fin.ID] = fin
	}
	require.Equal(t, []Ref{{Bucket: "b", Key: "concat.out"}}, got[c].Targets)
	require.Equal(t, []Ref{{Bucket: "b", Key: "sprite.out"}}, got[s].Targets)
	require.Equal(t, Failed, got[bad].State)
	require.Equal(t, "InvalidArgument", got[bad].Code)
}

// A task whose action has no processor fails at once with NotImplemented,
// and the worker carries on.
func testUnknownActionFails(t *testing.T, st testStore) {
	var ran atomic.Int32
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		ran.Add(1)
		return writeOutput(job, "out.mp4", "ok")
	})}, nil)
	e.start(t)
	task, err := e.q.Enqueue(context.Background(), NewTask{Action: "video/convert", Bucket: "b", Object: "src.mp4", Process: "video/convert,f_mp4"})
	require.NoError(t, err)
	fin := e.wait(t)
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, "NotImplemented", fin.Code)
	require.Contains(t, fin.Message, `"video/convert"`)
	require.Equal(t, 1, e.get(t, task.ID).Attempts)
	require.Zero(t, ran.Load(), "no other processor runs it")
	good := e.submit(t, "concat").ID
	require.Equal(t, good, e.wait(t).ID)
	require.EqualValues(t, 1, ran.Load())
}

func testTransientRetrySucceedsWithBackoff(t *testing.T, st testStore) {
	var runs []time.Time
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		runs = append(runs, time.Now()) // one worker: no concurrent runs of one task
		if len(runs) < 3 {
			return nil, osserr.Transient(errors.New("storage unavailable"))
		}
		return writeOutput(job, "out.mp4", fmt.Sprint("run", len(runs)))
	})}, nil)
	e.start(t)
	id := e.submit(t, "concat").ID
	fin := e.wait(t)
	require.Equal(t, Succeeded, fin.State)
	got := e.get(t, id)
	require.Equal(t, 3, got.Attempts)
	require.Empty(t, got.Code, "a success clears the last transient error")
	require.Len(t, runs, 3)
	// Exponential backoff: base before the 2nd run, 2×base before the 3rd.
	require.GreaterOrEqual(t, runs[1].Sub(runs[0]), e.cfg.BackoffBase)
	require.GreaterOrEqual(t, runs[2].Sub(runs[1]), 2*e.cfg.BackoffBase)
	data, _ := e.store.get("b", "out.mp4")
	require.Equal(t, "run3", string(data))
}

func testPublishFailureRetriesAndOverwrites(t *testing.T, st testStore) {
	var runs atomic.Int32
	e := newEnvOn(t, st, Processors{actSprite: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		n := runs.Add(1)
		var outs []Output
		// Two sheets, the second with the same key: only the last survives.
		for i, key := range []string{"sheet_1.jpg", "sheet_2.jpg", "sheet_2.jpg"} {
			p := filepath.Join(job.WorkDir, fmt.Sprint(i))
			if err := os.WriteFile(p, fmt.Appendf(nil, "run%d-%d", n, i), 0o644); err != nil {
				return nil, err
			}
			outs = append(outs, Output{Key: key, Path: p})
		}
		return &Result{Outputs: outs}, nil
	})}, nil)
	// The first run publishes sheet_1, then fails on sheet_2.
	e.store.failKey, e.store.failPuts = "sheet_2.jpg", 1
	e.start(t)
	id := e.submit(t, "sprite").ID
	fin := e.wait(t)
	require.Equal(t, Succeeded, fin.State)
	require.Equal(t, []Ref{{Bucket: "b", Key: "sheet_1.jpg"}, {Bucket: "b", Key: "sheet_2.jpg"}}, fin.Targets)
	require.Equal(t, 2, e.get(t, id).Attempts)
	require.Equal(t, 2, e.store.count(), "a re-run overwrites, never duplicates")
	s1, _ := e.store.get("b", "sheet_1.jpg")
	s2, _ := e.store.get("b", "sheet_2.jpg")
	require.Equal(t, "run2-0", string(s1))
	require.Equal(t, "run2-2", string(s2))
}
