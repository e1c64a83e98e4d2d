package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/pgtest"
	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// A cluster of real emulator processes on loopback: one api node and
// worker nodes sharing a fresh PostgreSQL schema (the test server of
// scripts/start-postgres.sh) and one versitygw S3 store, reached through a
// recording proxy that counts the writes of each object. The api node
// pushes every task notification to a recording receiver.
type cluster struct {
	bin     string
	root    string
	common  []string // the flags every node gets
	api     *child
	workers map[string]*child // by node id
	writes  *counts           // successful object writes, by "/<s3 bucket>/<key>"
	notes   *counts           // notification pushes, by TaskId
}

// counts is a concurrency-safe tally.
type counts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counts) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[key]++
}

func (c *counts) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

// s3Prefix is the S3 bucket prefix the nodes use (--s3-bucket-prefix).
const s3Prefix = "cl-"

// startCluster starts the api node and the named workers. workerArgs are
// extra flags for the workers.
func startCluster(t testing.TB, workers []string, workerArgs ...string) *cluster {
	t.Helper()
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffmpeg CLI not installed (scripts/install-deps.sh)")
	}
	c := &cluster{
		bin: buildEmulator(t), root: t.TempDir(), workers: map[string]*child{},
		writes: &counts{n: map[string]int{}}, notes: &counts{n: map[string]int{}},
	}
	dbURL := pgtest.URL(t)
	s3cfg := s3test.Start(t)
	c.common = []string{"--queue-url", dbURL, "--storage", "s3", "--s3-endpoint", c.recordWrites(t, s3cfg.Endpoint),
		"--s3-access-key-id", s3cfg.AccessKeyID, "--s3-secret-access-key", s3cfg.SecretAccessKey, "--s3-bucket-prefix", s3Prefix,
		"--lease-timeout", "3s", "--log-level", "info"}
	c.api = startChild(t, c.bin, filepath.Join(c.root, "api"), append(c.common,
		"--role", "api", "--node-id", "api", "--notify-endpoint", "*="+c.recordNotes(t))...)
	for _, name := range workers {
		c.startWorker(t, name, workerArgs...)
	}
	return c
}

// startWorker starts one more worker node named name.
func (c *cluster) startWorker(t testing.TB, name string, args ...string) *child {
	t.Helper()
	w := startChild(t, c.bin, filepath.Join(c.root, name), append(append(c.common,
		"--role", "worker", "--node-id", name, "--workers", "1", "--task-threads", "1", "--video-preset", "ultrafast"), args...)...)
	c.workers[name] = w
	return w
}

// recordWrites starts a reverse proxy to the S3 endpoint that counts each
// successful object write: a PutObject (not an upload's part, not a copy)
// or a CompleteMultipartUpload.
func (c *cluster) recordWrites(t testing.TB, endpoint string) string {
	t.Helper()
	target, err := url.Parse(endpoint)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		q := r.URL.Query()
		put := r.Method == http.MethodPut && !q.Has("partNumber") && r.Header.Get("x-amz-copy-source") == ""
		complete := r.Method == http.MethodPost && q.Has("uploadId")
		if resp.StatusCode/100 == 2 && (put || complete) {
			c.writes.add(r.URL.Path)
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// recordNotes starts the push receiver: it counts each notification by the
// TaskId in its envelope.
func (c *cluster) recordNotes(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var note notifier.Notification
		var env struct{ Content string }
		var content struct{ TaskId string }
		if xml.Unmarshal(body, &note) != nil || json.Unmarshal([]byte(note.Message), &env) != nil ||
			json.Unmarshal([]byte(env.Content), &content) != nil || content.TaskId == "" {
			t.Errorf("undecodable notification: %s", body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		c.notes.add(content.TaskId)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// get returns one task with its runs.
func (c *cluster) get(t testing.TB, id string) childTask {
	t.Helper()
	resp, body := testutil.GetBasicAuth(t.Context(), t, c.api.URL+"/_ossemu/tasks/"+id, childAK, childSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var v childTask
	require.NoError(t, json.Unmarshal(body, &v))
	return v
}
