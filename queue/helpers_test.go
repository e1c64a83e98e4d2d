package queue

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// memStore is an in-memory storage.Backend with failure injection.
type memStore struct {
	mu       sync.Mutex
	objs     map[string][]byte
	puts     int
	failKey  string // fail PutObject to this key…
	failPuts int    // …this many times, with an I/O error…
	failWith error  // …or this one
}

func newMemStore() *memStore { return &memStore{objs: map[string][]byte{}} }

func (m *memStore) get(bucket, key string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[bucket+"/"+key]
	return b, ok
}

func (m *memStore) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.objs)
}

func (m *memStore) CreateBucket(context.Context, string) error { return nil }
func (m *memStore) DeleteBucket(context.Context, string) error { return nil }
func (m *memStore) ListBuckets(context.Context) ([]storage.Bucket, error) {
	return nil, nil
}
func (m *memStore) StatBucket(_ context.Context, b string) (storage.Bucket, error) {
	return storage.Bucket{Name: b}, nil
}

func (m *memStore) PutObject(_ context.Context, bucket, key string, body io.Reader, _ storage.PutOptions) (storage.ObjectInfo, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	if key == m.failKey && m.failPuts > 0 {
		m.failPuts--
		if m.failWith != nil {
			return storage.ObjectInfo{}, m.failWith
		}
		return storage.ObjectInfo{}, io.ErrUnexpectedEOF
	}
	m.objs[bucket+"/"+key] = data
	return storage.ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(data))}, nil
}

func (m *memStore) GetObject(context.Context, string, string) (storage.Object, error) {
	return nil, osserr.New(osserr.NoSuchKey, "not found")
}

func (m *memStore) StatObject(_ context.Context, bucket, key string) (storage.ObjectInfo, error) {
	if b, ok := m.get(bucket, key); ok {
		return storage.ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(b))}, nil
	}
	return storage.ObjectInfo{}, osserr.New(osserr.NoSuchKey, "not found")
}

func (m *memStore) DeleteObject(_ context.Context, bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[bucket+"/"+key]; !ok {
		return osserr.New(osserr.NoSuchKey, "not found")
	}
	delete(m.objs, bucket+"/"+key)
	return nil
}
func (m *memStore) ListObjects(context.Context, string, storage.ListOptions) (storage.ListPage, error) {
	return storage.ListPage{}, nil
}

// procFunc adapts a function to Processor.
type procFunc func(ctx context.Context, job *Job) (*Result, error)

func (f procFunc) Process(ctx context.Context, job *Job) (*Result, error) { return f(ctx, job) }

// The actions the tests register processors for (the real names; the
// queue treats them as opaque keys).
const (
	actConcat = "video/concat"
	actSprite = "video/sprite"
)

// testAction stands in for the submitter's parse: a "sprite…" process is a
// sprite task, anything else a concat task (whose processor may then refuse
// the process string, as a real one refuses what it cannot parse).
func testAction(process string) string {
	if strings.HasPrefix(process, "sprite") {
		return actSprite
	}
	return actConcat
}

// writeOutput is a processor body that writes one output named key holding
// data.
func writeOutput(job *Job, key, data string) (*Result, error) {
	p := filepath.Join(job.WorkDir, "out.bin")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		return nil, err
	}
	return &Result{Outputs: []Output{{Key: key, Path: p}}}, nil
}

// env is one queue + pool under test.
type env struct {
	q        *Queue
	store    *memStore
	cfg      Config
	finished chan *Task
	dir      string
}

func newEnv(t *testing.T, procs Processors, tweak func(*Config)) *env {
	t.Helper()
	return newEnvOn(t, sqliteStore(), procs, tweak)
}

// newEnvOn is newEnv on a fresh queue in st.
func newEnvOn(t *testing.T, st testStore, procs Processors, tweak func(*Config)) *env {
	t.Helper()
	return envOn(t, st.open(t, st.create(t)), procs, tweak)
}

// envOn is a pool configuration over q (one node of a store).
func envOn(t *testing.T, q *Queue, procs Processors, tweak func(*Config)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{q: q, store: newMemStore(), finished: make(chan *Task, 100), dir: dir}
	cfg := DefaultConfig()
	cfg.Workers, cfg.TaskThreads = 2, 1
	cfg.BackoffBase, cfg.BackoffMax = 20*time.Millisecond, 80*time.Millisecond
	cfg.LeaseTimeout, cfg.ProgressInterval = 3*time.Second, 10*time.Millisecond
	cfg.PollInterval, cfg.ShutdownGrace = 20*time.Millisecond, 5*time.Second
	cfg.Settle = 50 * time.Millisecond
	cfg.WorkRoot = filepath.Join(dir, "work")
	cfg.Storage, cfg.Processors = e.store, procs
	cfg.Finished = func(t *Task) { e.finished <- t }
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	if tweak != nil {
		tweak(&cfg)
	}
	e.cfg = cfg
	return e
}

// start runs the pool until the test ends; the returned func stops it and
// waits for Run to return.
func (e *env) start(t *testing.T) (stop func()) {
	t.Helper()
	p, err := NewPool(e.q, e.cfg)
	require.NoError(t, err)
	return testutil.RunBackground(t, p.Run)
}

func (e *env) submit(t *testing.T, process string) *Task {
	t.Helper()
	task, err := e.q.Enqueue(context.Background(), NewTask{RequestID: "REQ", Action: testAction(process), Bucket: "b", Object: "src.mp4", Process: process})
	require.NoError(t, err)
	return task
}

// wait returns the next finished task (as the finish hook saw it).
func (e *env) wait(t *testing.T) *Task {
	t.Helper()
	select {
	case task := <-e.finished:
		return task
	case <-time.After(30 * time.Second):
		t.Fatal("no task finished")
		return nil
	}
}

func (e *env) get(t *testing.T, id string) *Task {
	t.Helper()
	task, err := e.q.Get(context.Background(), id)
	require.NoError(t, err)
	return task
}
