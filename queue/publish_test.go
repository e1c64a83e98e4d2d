package queue

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
)

// sheets is a processor writing n outputs sheet_<i>.jpg holding "<tag>-<i>".
func sheets(n int, tag string) procFunc {
	return func(_ context.Context, job *Job) (*Result, error) {
		var outs []Output
		for i := range n {
			p := filepath.Join(job.WorkDir, fmt.Sprintf("s%d", i))
			if err := os.WriteFile(p, fmt.Appendf(nil, "%s-%d", tag, i), 0o644); err != nil {
				return nil, err
			}
			outs = append(outs, Output{Key: fmt.Sprintf("sheet_%d.jpg", i), Path: p})
		}
		return &Result{Outputs: outs}, nil
	}
}

// TestFailedPublicationLeavesNothing: a publication that fails part-way
// (one PutObject at a time, as on S3) takes back what it had published, so
// a task that ends Failed leaves none of its outputs: refused for good on
// the 4th of 5 outputs, or failing transiently on every run until the
// attempts run out.
func testFailedPublicationLeavesNothing(t *testing.T, st testStore) {
	for _, tc := range []struct {
		name  string
		err   error
		times int
		code  string
	}{
		{"refused", osserr.New(osserr.NoSuchBucket, "the bucket was deleted"), 1, "NoSuchBucket"},
		{"transient every time", nil, 100, "InternalError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvOn(t, st, Processors{actSprite: sheets(5, "x")}, func(c *Config) { c.MaxAttempts = 2 })
			e.store.failKey, e.store.failPuts, e.store.failWith = "sheet_3.jpg", tc.times, tc.err
			e.start(t)
			id := e.submit(t, "sprite").ID
			fin := e.wait(t)
			require.Equal(t, id, fin.ID)
			require.Equal(t, Failed, fin.State)
			require.Equal(t, tc.code, fin.Code)
			require.Zero(t, e.store.count(), "the three outputs published before the failure were taken back")
			require.Greater(t, e.store.puts, 3, "the failure did come after outputs were published")
		})
	}
}

// TestPublicationIsAtomicOnLocalStorage: with storage/local (a
// storage.Batcher) a reader polling the bucket while a 200-output task
// publishes sees none of the outputs or all of them.
func TestPublicationIsAtomicOnLocalStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := local.Open(ctx, local.Config{Dir: t.TempDir(), NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	require.NoError(t, store.CreateBucket(ctx, "media"))
	const n = 200
	e := newEnv(t, Processors{actSprite: sheets(n, "sheet")}, func(c *Config) { c.Storage = store })
	var (
		stop   atomic.Bool
		counts sync.Map
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		for !stop.Load() {
			page, err := store.ListObjects(ctx, "media", storage.ListOptions{Prefix: "sheet_", MaxKeys: 1000})
			require.NoError(t, err)
			counts.Store(len(page.Objects), true)
		}
	})
	e.start(t)
	task, err := e.q.Enqueue(ctx, NewTask{Action: actSprite, Bucket: "media", Object: "src.mp4", Process: "sprite"})
	require.NoError(t, err)
	fin := e.wait(t)
	stop.Store(true)
	wg.Wait()
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State, "%s: %s", fin.Code, fin.Message)
	require.Len(t, fin.Targets, n)
	counts.Range(func(k, _ any) bool {
		require.Contains(t, []int{0, n}, k.(int), "a partial set was visible")
		return true
	})
	_, seenAll := counts.Load(n)
	if !seenAll {
		page, err := store.ListObjects(ctx, "media", storage.ListOptions{Prefix: "sheet_", MaxKeys: 1000})
		require.NoError(t, err)
		require.Len(t, page.Objects, n)
	}
}

// journalRun leaves the state a process killed while publishing leaves: a
// running task, its journal, its outputs in the work directory, and the
// first published outputs visible. The lease has expired: on a shared
// store a live one would be another node's.
func journalRun(t *testing.T, e *env, n, visible int) (*Task, *journal) {
	t.Helper()
	ctx := context.Background()
	task := orphan(t, e.q, time.Millisecond)
	dirName := fmt.Sprintf("%s-%d", task.ID, task.Attempts)
	dir := filepath.Join(e.cfg.WorkRoot, dirName)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	j := &journal{Dir: dirName}
	for i := range n {
		file := fmt.Sprintf("s%d", i)
		body := fmt.Sprintf("dead-run-%d", i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644))
		j.Outputs = append(j.Outputs, journalOutput{Bucket: "b", Key: fmt.Sprintf("sheet_%d.jpg", i), File: file,
			ContentType: "image/jpeg", Size: int64(len(body))})
	}
	require.NoError(t, e.q.beginPublish(ctx, task.ID, "dead-process", j))
	for _, o := range j.Outputs[:visible] {
		e.store.objs["b/"+o.Key] = []byte("dead-run-partial")
	}
	return task, j
}

// TestInterruptedPublicationRollsForward: a process killed while publishing
// left part of a task's outputs visible. At the next start the publication
// is finished from the journal, without running the task again, and the
// task succeeds with all its outputs; the journal and the work directory
// are gone afterwards.
func testInterruptedPublicationRollsForward(t *testing.T, st testStore) {
	var ran atomic.Int32
	e := newEnvOn(t, st, Processors{actConcat: procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		ran.Add(1)
		return succeed(ctx, job)
	})}, nil)
	task, j := journalRun(t, e, 5, 2)
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State)
	require.Equal(t, j.targets(), fin.Targets)
	require.Zero(t, ran.Load(), "rolled forward, not run again")
	for i := range 5 {
		data, ok := e.store.get("b", fmt.Sprintf("sheet_%d.jpg", i))
		require.True(t, ok)
		require.Equal(t, fmt.Sprintf("dead-run-%d", i), string(data))
	}
	pending, err := e.q.journals(context.Background())
	require.NoError(t, err)
	require.Empty(t, pending)
	entries, err := os.ReadDir(e.cfg.WorkRoot)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// TestRefusedRollForwardLeavesNothing: when the store refuses the rest of
// an interrupted publication for good, the task fails and every journaled
// key is deleted, including those the dead process had published.
func testRefusedRollForwardLeavesNothing(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{actConcat: procFunc(succeed)}, nil)
	task, _ := journalRun(t, e, 5, 2)
	e.store.failKey, e.store.failPuts = "sheet_3.jpg", 1
	e.store.failWith = osserr.New(osserr.NoSuchBucket, "the bucket was deleted")
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Failed, fin.State)
	require.Equal(t, "NoSuchBucket", fin.Code)
	require.Zero(t, e.store.count())
}

// testLostJournalFilesRunTheTaskAgain: a journal whose files are gone (on
// a shared store, the dead node had them) cannot be rolled forward: what the
// dead run had published is taken back, and the task runs again and
// succeeds.
func testLostJournalFilesRunTheTaskAgain(t *testing.T, st testStore) {
	e := newEnvOn(t, st, Processors{actConcat: procFunc(succeed)}, nil)
	task, j := journalRun(t, e, 3, 1)
	require.NoError(t, os.RemoveAll(filepath.Join(e.cfg.WorkRoot, j.Dir)))
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State)
	require.Equal(t, []Ref{{Bucket: "b", Key: "out.mp4"}}, fin.Targets)
	require.Equal(t, 2, e.get(t, task.ID).Attempts)
	_, partial := e.store.get("b", "sheet_0.jpg")
	require.False(t, partial, "the dead run's partial output was taken back")
	require.Equal(t, 1, e.store.count())
}
