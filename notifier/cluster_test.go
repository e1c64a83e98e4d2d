package notifier

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/pgtest"
	"github.com/ossemu/ossemu/internal/sqldb"
	"github.com/ossemu/ossemu/internal/testutil"
)

// Several nodes on one PostgreSQL database: each node has its own pool of
// connections and its own dispatcher.

// node is one node's notifier on the database at url.
func node(t *testing.T, url string, mod func(*Config)) *Notifier {
	t.Helper()
	db, err := sqldb.Open(context.Background(), url, sqldb.Options{MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return newNotifier(t, t.TempDir(), db, mod)
}

// TestDispatchersShareDeliveries: messages recorded on three nodes are
// delivered by their three dispatchers, each exactly once.
func TestDispatchersShareDeliveries(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	var mu sync.Mutex
	pushes := map[string]int{}
	srv, _ := receiver(t, func(_ int, p pushed) int {
		mu.Lock()
		pushes[p.header.Get("x-mns-message-id")]++
		mu.Unlock()
		return http.StatusNoContent
	})
	var nodes []*Notifier
	for range 3 {
		n := node(t, url, func(c *Config) {
			c.Workers = 2
			c.Endpoints = []Endpoint{{Topic: "*", URL: srv.URL, Format: FormatXML}}
		})
		testutil.RunBackground(t, n.Run)
		nodes = append(nodes, n)
	}
	const total = 45
	var ids []string
	for i := range total {
		ids = append(ids, finish(t, nodes[i%3], sampleTask(fmt.Sprintf("MediaConvert-%d", i), "jobs")))
	}
	for _, id := range ids {
		waitState(t, nodes[0], id, StateDelivered)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, pushes, total)
	for _, id := range ids {
		require.Equal(t, 1, pushes[id], "message %s pushed once", id)
	}
}

// TestOtherNodesMessageWakesDispatcher: a message recorded on a node that
// runs no dispatcher (a worker) wakes the dispatcher of another node (an
// api node) through LISTEN/NOTIFY, which delivers it.
func TestOtherNodesMessageWakesDispatcher(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	srv, got := receiver(t, func(int, pushed) int { return http.StatusNoContent })
	cfg := func(c *Config) {
		c.PollInterval = time.Hour
		c.Endpoints = []Endpoint{{Topic: "jobs", URL: srv.URL, Format: FormatXML}}
	}
	worker, api := node(t, url, cfg), node(t, url, cfg)
	woken := make(chan struct{}, 10)
	sqldb.OnNotify(api.db, sqldb.TopicNotify, func() { woken <- struct{}{} })
	<-woken // the LISTEN connection is up (connecting counts as a wake-up)
	testutil.RunBackground(t, api.Run)
	id := finish(t, worker, sampleTask("MediaConvert-w", "jobs"))
	select {
	case <-woken:
	case <-time.After(20 * time.Second):
		t.Fatal("the worker's message did not wake the api node")
	}
	require.Equal(t, id, messageID(t, next(t, got)))
}

// TestDeadDispatchersDeliveryComesBack: a node claims a delivery and dies
// before recording its outcome; once the lease has run out another node's
// dispatcher delivers it.
func TestDeadDispatchersDeliveryComesBack(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	srv, got := receiver(t, func(int, pushed) int { return http.StatusNoContent })
	cfg := func(c *Config) { c.Endpoints = []Endpoint{{Topic: "jobs", URL: srv.URL, Format: FormatXML}} }
	dead, live := node(t, url, cfg), node(t, url, cfg)
	ctx := context.Background()
	id := finish(t, dead, sampleTask("MediaConvert-d", "jobs"))
	_, err := dead.fanOut(ctx)
	require.NoError(t, err)
	claimed, _, err := dead.claim(ctx, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1) // …and the node dies with the lease
	testutil.RunBackground(t, live.Run)
	select {
	case p := <-got:
		t.Fatalf("delivered while the dead node's lease was live: %s", p.body)
	case <-time.After(300 * time.Millisecond):
	}
	// The lease runs out (Timeout + leaseSlack is too long to wait for).
	_, err = dead.db.Exec(`UPDATE notify_deliveries SET next_at = ? WHERE leased = 1`, ms(time.Now()))
	require.NoError(t, err)
	live.Wake()
	require.Equal(t, id, messageID(t, next(t, got)))
	st := waitState(t, live, id, StateDelivered)
	require.Equal(t, 1, st.Deliveries[0].Attempts)
}
