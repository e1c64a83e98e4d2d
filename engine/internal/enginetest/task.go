package enginetest

import (
	"context"
	"encoding/base64"
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// Timeout bounds one task: a hang fails the test instead of stalling CI.
const Timeout = 90 * time.Second

// B64 is URL-safe base64 without padding, as the SDK examples encode.
func B64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// SaveAs is a saveas stage writing to key in the source bucket.
func SaveAs(key string) string { return "|sys/saveas,o_" + B64(key) }

// Job is a task running process on Bucket/key of store.
func Job(t testing.TB, store storage.Backend, key, process string) *queue.Job {
	t.Helper()
	_, err := parser.Parse(process)
	require.NoError(t, err, process)
	return &queue.Job{
		TaskID: "t", Bucket: Bucket, Object: key, Process: process, Storage: store,
		WorkDir: t.TempDir(), Threads: 2, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Progress: func(int) {},
	}
}

// RunTask runs a processor under a deadline and fails the test if it
// does not return (a hang) well after the deadline has passed.
func RunTask(t testing.TB, p queue.Processor, job *queue.Job) (*queue.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	type ret struct {
		res *queue.Result
		err error
	}
	ch := make(chan ret, 1)
	go func() {
		// A panic would kill the whole test binary; report it as this
		// input's failure instead.
		defer func() {
			if r := recover(); r != nil {
				ch <- ret{nil, fmt.Errorf("panic: %v\n%s", r, debug.Stack())}
			}
		}()
		res, err := p.Process(ctx, job)
		ch <- ret{res, err}
	}()
	select {
	case r := <-ch:
		require.NoError(t, ctx.Err(), "the task ran into its %v deadline", Timeout)
		return r.res, r.err
	case <-time.After(Timeout + 30*time.Second):
		t.Fatalf("the task did not return %v after its deadline", 30*time.Second)
		return nil, nil
	}
}

// RequireFailure checks err is a clean permanent OSS error of the given
// code whose message names the object.
func RequireFailure(t testing.TB, res *queue.Result, err error, code osserr.Code, names ...string) {
	t.Helper()
	require.Nil(t, res)
	require.Error(t, err)
	e, ok := osserr.As(err)
	require.True(t, ok, "not an OSS error: %T %v", err, err)
	require.Equal(t, code.Name, e.Code.Name, e.Message)
	require.False(t, osserr.IsTransient(err), "a bad input must not be retried: %v", err)
	for _, n := range names {
		require.Contains(t, e.Message, n)
	}
}
