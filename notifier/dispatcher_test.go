package notifier

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// waitState polls a message's delivery state until want (the dispatcher
// records outcomes after the receiver has answered, so there is no event
// to wait on).
func waitState(t *testing.T, n *Notifier, id, want string) *MessageStatus {
	t.Helper()
	var st *MessageStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = n.MessageStatus(context.Background(), id)
		require.NoError(t, err)
		return st != nil && st.State == want
	}, 20*time.Second, 5*time.Millisecond, "message %s never became %s", id, want)
	return st
}

func messageID(t *testing.T, p pushed) string {
	t.Helper()
	var note Notification
	require.NoError(t, xml.Unmarshal(p.body, &note))
	return note.MessageId
}

func TestRetryUntilFourthAttempt(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testRetryUntilFourthAttempt)
}

func testRetryUntilFourthAttempt(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	srv, got := receiver(t, func(k int, _ pushed) int {
		if k <= 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	n := newNotifier(t, dir, ds.Open(t, dir), func(c *Config) {
		c.Endpoints = []Endpoint{{Topic: "jobs", URL: srv.URL, Format: FormatXML}}
	})
	reg := prometheus.NewRegistry()
	require.NoError(t, n.Register(reg))
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-r", "jobs"))
	for range 4 {
		require.Equal(t, id, messageID(t, next(t, got)), "every attempt carries the same MessageId")
	}
	st := waitState(t, n, id, StateDelivered)
	require.Len(t, st.Deliveries, 1)
	require.Equal(t, 4, st.Deliveries[0].Attempts)
	require.Empty(t, st.Deliveries[0].LastError)
	require.InDelta(t, 3, counter(t, reg, "ossemu_notify_delivery_attempts_total", "result", StateRetrying), 0)
	require.InDelta(t, 1, counter(t, reg, "ossemu_notify_delivery_attempts_total", "result", StateDelivered), 0)
	require.InDelta(t, 1, counter(t, reg, "ossemu_notify_messages_total", "source", "task"), 0)
	select {
	case p := <-got:
		t.Fatalf("a delivered message was pushed again: %s", p.body)
	default:
	}

	// The task API view of the same message.
	byTask, err := n.TaskStatus(context.Background(), "MediaConvert-r")
	require.NoError(t, err)
	require.Equal(t, id, byTask.MessageID)
	none, err := n.TaskStatus(context.Background(), "MediaConvert-unknown")
	require.NoError(t, err)
	require.Nil(t, none)
}

func TestDeadAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testDeadAfterMaxAttempts)
}

func testDeadAfterMaxAttempts(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	srv, got := receiver(t, func(int, pushed) int { return http.StatusInternalServerError })
	n := newNotifier(t, dir, ds.Open(t, dir), func(c *Config) {
		c.MaxAttempts = 3
		c.Endpoints = []Endpoint{{Topic: "*", URL: srv.URL, Format: FormatSimplified}}
	})
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-d", "any"))
	for range 3 {
		next(t, got)
	}
	st := waitState(t, n, id, StateDead)
	require.Equal(t, 3, st.Deliveries[0].Attempts)
	require.Contains(t, st.Deliveries[0].LastError, "HTTP 500")
}

func TestBackoffDoublesUpToCap(t *testing.T) {
	t.Parallel()
	n := &Notifier{cfg: Config{Backoff: time.Second, MaxBackoff: 5 * time.Second}}
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 5 * time.Second, 30: 5 * time.Second} {
		require.Equal(t, want, n.Backoff(attempts), "after %d failures", attempts)
	}
}

func TestNoNotifyPublishesNothing(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testNoNotifyPublishesNothing)
}

func testNoNotifyPublishesNothing(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	n := newNotifier(t, dir, ds.Open(t, dir), nil)
	require.Empty(t, finish(t, n, sampleTask("MediaConvert-x", "")))
	var count int
	require.NoError(t, n.db.QueryRow(`SELECT COUNT(*) FROM notify_messages`).Scan(&count))
	require.Zero(t, count)
}

func TestNoSubscribersIsRecorded(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testNoSubscribersIsRecorded)
}

func testNoSubscribersIsRecorded(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	n := newNotifier(t, dir, ds.Open(t, dir), nil)
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-lonely", "lonely"))
	waitState(t, n, id, StateNoSubscribers)
	msgs, err := n.TopicMessages(context.Background(), "lonely", 10)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Equal(t, id, msgs[0].MessageID)
}

// TestReceiverDownAcrossRestart: the receiver is down while messages are
// published, and while the dispatcher stops and a new one (a new process)
// starts on the same database; once the receiver is back every message
// arrives. The push in flight at shutdown reached the receiver but its
// answer did not reach the dispatcher: that message is delivered again after
// the restart, the one duplicate at-least-once delivery allows here.
func TestReceiverDownAcrossRestart(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testReceiverDownAcrossRestart)
}

func testReceiverDownAcrossRestart(t *testing.T, ds testutil.DBStore) {
	const total = 6
	dir := t.TempDir()
	db := ds.Open(t, dir)
	var up, hold atomic.Bool
	hung, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	received := map[string]int{} // successful pushes per message id
	srv, got := receiver(t, func(_ int, p pushed) int {
		if !up.Load() {
			return http.StatusServiceUnavailable
		}
		mu.Lock()
		received[p.header.Get("x-mns-message-id")]++
		mu.Unlock()
		if hold.CompareAndSwap(true, false) {
			close(hung)
			<-release
		}
		return http.StatusNoContent
	})
	cfg := func(c *Config) {
		c.MaxAttempts = 1000
		c.Workers = 1 // one push in flight at shutdown: the held one
		c.Endpoints = []Endpoint{{Topic: "jobs", URL: srv.URL, Format: FormatXML}}
	}
	first := newNotifier(t, dir, db, cfg)
	stop := testutil.RunBackground(t, first.Run)
	ids := map[string]bool{}
	for i := range total {
		ids[finish(t, first, sampleTask(fmt.Sprintf("MediaConvert-%d", i), "jobs"))] = true
	}
	tried := map[string]bool{}
	for len(tried) < total {
		tried[messageID(t, next(t, got))] = true
	}
	// The receiver comes back; the first push to reach it hangs, and the
	// dispatcher shuts down in the middle of it.
	hold.Store(true)
	up.Store(true)
	<-hung
	stop()
	close(release)

	second := newNotifier(t, dir, db, cfg)
	testutil.RunBackground(t, second.Run)
	for id := range ids {
		waitState(t, second, id, StateDelivered)
	}
	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for id := range ids {
		require.GreaterOrEqual(t, received[id], 1, "message %s never delivered", id)
		dups += received[id] - 1
	}
	require.Len(t, received, total, "only our messages arrive")
	t.Logf("%d messages, %d duplicate deliveries across the restart", total, dups)
	require.Equal(t, 1, dups, "exactly the push cut short by the shutdown is repeated")
}

func TestPruneKeepsUnfinished(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testPruneKeepsUnfinished)
}

func testPruneKeepsUnfinished(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	srv, _ := receiver(t, func(int, pushed) int { return http.StatusServiceUnavailable })
	n := newNotifier(t, dir, ds.Open(t, dir), func(c *Config) {
		c.Retention = time.Hour
		c.MaxAttempts = 1000
		c.Endpoints = []Endpoint{{Topic: "busy", URL: srv.URL, Format: FormatXML}}
	})
	clock := time.Now()
	n.now = func() time.Time { return clock }
	ctx := context.Background()
	lonely := finish(t, n, sampleTask("MediaConvert-old", "lonely"))
	busy := finish(t, n, sampleTask("MediaConvert-busy", "busy"))
	_, err := n.fanOut(ctx)
	require.NoError(t, err)

	k, err := n.prune(ctx)
	require.NoError(t, err)
	require.Zero(t, k, "nothing is older than the retention yet")

	clock = clock.Add(2 * time.Hour)
	k, err = n.prune(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, k)
	gone, err := n.MessageStatus(ctx, lonely)
	require.NoError(t, err)
	require.Nil(t, gone, "an ended message past the retention is pruned")
	kept, err := n.MessageStatus(ctx, busy)
	require.NoError(t, err)
	require.NotNil(t, kept, "a message still being delivered is kept")
}

// counter reads the value of the series of a counter whose label has value.
func counter(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestSlowReceiverIsRetried(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testSlowReceiverIsRetried)
}

func testSlowReceiverIsRetried(t *testing.T, ds testutil.DBStore) {
	dir := t.TempDir()
	release := make(chan struct{})
	srv, got := receiver(t, func(k int, _ pushed) int {
		if k == 1 {
			<-release // answers only after the notifier gave up
		}
		return http.StatusNoContent
	})
	defer close(release)
	n := newNotifier(t, dir, ds.Open(t, dir), func(c *Config) {
		c.Timeout = 200 * time.Millisecond
		c.Endpoints = []Endpoint{{Topic: "slow", URL: srv.URL, Format: FormatXML}}
	})
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-slow", "slow"))
	p := next(t, got) // the second attempt (the first is still held)
	require.Equal(t, id, messageID(t, p))
	st := waitState(t, n, id, StateDelivered)
	require.Equal(t, 2, st.Deliveries[0].Attempts, "no answer within the timeout counts as a failed attempt")
}
