package server_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	v1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
)

// taskEnv is an emulator with the task queue and a worker pool.
type taskEnv struct {
	URL      string
	Store    *local.Backend
	Queue    *queue.Queue
	Finished chan *queue.Task
}

// newTaskEnv starts a server whose workers run proc for both actions (no
// workers when proc is nil).
func newTaskEnv(t testing.TB, proc queue.Processor, buckets ...string) *taskEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store := openStore(t, filepath.Join(dir, "objects"), buckets...)
	q, err := queue.Open(ctx, filepath.Join(dir, "queue.db"))
	require.NoError(t, err)
	t.Cleanup(func() { q.Close() })
	e := &taskEnv{Store: store, Queue: q, Finished: make(chan *queue.Task, 64)}
	if proc != nil {
		e.startPool(t, proc, filepath.Join(dir, "work"))
	}
	srv, err := server.New(server.Config{Region: testRegion}, server.Deps{
		Storage: store, Tasks: q,
		Verifier: auth.New(auth.Config{Credentials: auth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, Region: testRegion}),
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.URL = ts.URL
	return e
}

func (e *taskEnv) startPool(t testing.TB, proc queue.Processor, work string) {
	cfg := queue.DefaultConfig()
	cfg.Workers, cfg.TaskThreads = 2, 1
	cfg.BackoffBase, cfg.BackoffMax = 10*time.Millisecond, 50*time.Millisecond
	cfg.WorkRoot, cfg.Storage = work, e.Store
	cfg.Processors = queue.Processors{parser.ActionConcat: proc, parser.ActionSprite: proc}
	cfg.Finished = func(t *queue.Task) { e.Finished <- t }
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	pool, err := queue.NewPool(e.Queue, cfg)
	require.NoError(t, err)
	pctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(pctx) }()
	t.Cleanup(func() { stop(); <-done }) // runs before the queue closes
}

// wait returns the next task to finish.
func (e *taskEnv) wait(t *testing.T) *queue.Task {
	t.Helper()
	select {
	case task := <-e.Finished:
		return task
	case <-time.After(60 * time.Second):
		t.Fatal("no task finished within a minute")
		return nil
	}
}

func (e *taskEnv) put(t testing.TB, bucket, key, data string) {
	t.Helper()
	_, err := e.Store.PutObject(context.Background(), bucket, key, strings.NewReader(data), storage.PutOptions{Size: -1})
	require.NoError(t, err)
}

func (e *taskEnv) v1Bucket(t *testing.T, bucket string) *v1.Bucket {
	return e.v1BucketAuth(t, bucket, v1.AuthV4)
}

func (e *taskEnv) v1BucketAuth(t *testing.T, bucket string, version v1.AuthVersionType) *v1.Bucket {
	t.Helper()
	c, err := v1.New(e.URL, testAK, testSK, v1.Region(testRegion), v1.AuthVersion(version))
	require.NoError(t, err)
	b, err := c.Bucket(bucket)
	require.NoError(t, err)
	return b
}

func (e *taskEnv) v2Client() *v2.Client {
	return v2.NewClient(v2.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testAK, testSK)).
		WithRegion(testRegion).WithEndpoint(e.URL).WithRetryMaxAttempts(1))
}

// copyProc is a test processor: it writes the bytes of every input clip,
// in order, to the expanded saveas name, so tests can see which inputs a task
// read and where its output went without waiting for a real encode.
type copyProc struct{}

func (copyProc) Process(ctx context.Context, job *queue.Job) (*queue.Result, error) {
	pl, err := parser.Parse(job.Process)
	if err != nil {
		return nil, err
	}
	keys := []string{job.Object}
	if pl.Concat != nil {
		keys = keys[:0]
		for _, c := range pl.Concat.Clips {
			if c.Self {
				c.Key = job.Object
			}
			keys = append(keys, c.Key)
		}
	}
	path := filepath.Join(job.WorkDir, "out")
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for i, k := range keys {
		o, err := job.Storage.GetObject(ctx, job.Bucket, k)
		if err != nil {
			return nil, osserr.Transient(err)
		}
		_, err = io.Copy(f, o)
		o.Close()
		if err != nil {
			return nil, osserr.Transient(err)
		}
		job.Progress((i + 1) * 100 / len(keys))
	}
	vars := parser.Vars{Bucket: job.Bucket, Key: job.Object, Time: job.CreatedAt, Index: 1, AutoExt: "bin"}
	bucket := pl.SaveAs.Bucket.Expand(vars)
	return &queue.Result{Outputs: []queue.Output{{Bucket: bucket, Key: pl.SaveAs.Object.Expand(vars), Path: path}}}, nil
}

// b64 encodes a name for a process string (URL-safe, no padding).
func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
