package notifier

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// newNotifier builds a notifier on db with fast retry timings.
func newNotifier(t *testing.T, dir string, db *sql.DB, mod func(*Config)) *Notifier {
	t.Helper()
	cfg := Config{DataDir: dir, Backoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		PollInterval: 50 * time.Millisecond, Timeout: 2 * time.Second, CertURL: "http://127.0.0.1:1/_ossemu/mns/cert.pem"}
	if mod != nil {
		mod(&cfg)
	}
	n, err := New(context.Background(), cfg, Deps{DB: db})
	require.NoError(t, err)
	return n
}

// finish records a finished task's notification the way the queue does:
// inside the transaction that finishes it.
func finish(t *testing.T, n *Notifier, task Task) string {
	t.Helper()
	ctx := context.Background()
	tx, err := n.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	id, err := n.OnFinish(ctx, tx, task)
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	return id
}

// pushed is one request a test receiver got.
type pushed struct {
	header http.Header
	path   string
	body   []byte
}

// receiver is an HTTP endpoint whose answer each test decides; every
// request is reported on the returned channel.
func receiver(t *testing.T, answer func(n int, p pushed) int) (*httptest.Server, <-chan pushed) {
	t.Helper()
	ch := make(chan pushed, 1000)
	var mu sync.Mutex
	count := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p := pushed{header: r.Header.Clone(), path: r.URL.EscapedPath(), body: body}
		mu.Lock()
		count++
		k := count
		mu.Unlock()
		status := answer(k, p)
		ch <- p
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// next waits for the next push or fails after a generous timeout.
func next(t *testing.T, ch <-chan pushed) pushed {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-time.After(20 * time.Second):
		t.Fatal("no push arrived")
		return pushed{}
	}
}

func sampleTask(id, topic string) Task {
	start := time.Date(2024, 8, 20, 7, 3, 7, 360_000_000, time.UTC)
	return Task{
		ID: id, EventID: "10C-1XqxdjCRx3x7gRim3go1yLUVWgm", RequestID: "B8AD6942-BBDE-571D-A9A9-525A4C34B2B3",
		Topic: topic, Status: StatusSucceeded, Start: start, End: start.Add(3 * time.Second),
		Sources: []string{"oss://bucket/src.mp4"}, Targets: []Target{{URI: "oss://bucket/out.mp4"}},
	}
}
