package console

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/queue"
)

// stream is one open SSE connection.
type stream struct {
	frames chan [2]string // event, data
}

func (e *env) stream(t *testing.T) *stream {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", e.srv.URL+DefaultPrefix+"api/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", basic())
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	s := &stream{frames: make(chan [2]string, 100)}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && ev != "":
				s.frames <- [2]string{ev, data}
				ev, data = "", ""
			}
		}
		close(s.frames)
	}()
	require.Equal(t, "hello", s.next(t)[0])
	return s
}

func (s *stream) next(t *testing.T) [2]string {
	t.Helper()
	select {
	case f, ok := <-s.frames:
		require.True(t, ok, "stream closed")
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame")
		return [2]string{}
	}
}

func (s *stream) task(t *testing.T) taskRow {
	t.Helper()
	f := s.next(t)
	require.Equal(t, "task", f[0], f[1])
	var row taskRow
	require.NoError(t, json.Unmarshal([]byte(f[1]), &row))
	return row
}

func TestEventsStreamTheQueuesChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.stream(t), e.stream(t)
	require.Equal(t, 2, e.c.hub.listeners())

	task := e.enqueue(t, "clip.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+b64("o.mp4"))
	for _, s := range []*stream{a, b} {
		row := s.task(t)
		require.Equal(t, task.ID, row.ID)
		require.Equal(t, "Queued", row.Status)
		require.Equal(t, "video/concat", row.Action)
	}
	require.NoError(t, e.pool.Cancel(t.Context(), task.ID))
	for _, s := range []*stream{a, b} {
		row := s.task(t)
		require.Equal(t, "Failed", row.Status)
		require.Equal(t, queue.CodeCancelled, row.Code)
		require.NotEmpty(t, row.EndTime)
	}
}

func TestProgressFramesNeedNoRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.c.taskFrame(t.Context(), queue.Event{TaskID: "MediaConvert-unknown", State: queue.Running, Progress: 42})
	require.Equal(t, "event: progress\ndata: {\"Progress\":42,\"TaskId\":\"MediaConvert-unknown\"}\n\n", string(f))
	require.Nil(t, e.c.taskFrame(t.Context(), queue.Event{TaskID: "MediaConvert-unknown", State: queue.Queued}),
		"a state change of a task that cannot be read is skipped")
}

func TestHubUnsubscribesWhenTheLastListenerLeaves(t *testing.T) {
	t.Parallel()
	events := &countingEvents{}
	h := newHub(events, func(_ context.Context, ev queue.Event) []byte { return []byte(ev.TaskID) }, slogDiscard())
	_, leave1 := h.join()
	ch2, leave2 := h.join()
	require.Equal(t, 1, events.subscribed, "one queue subscription for every listener")
	events.send(queue.Event{TaskID: "x"})
	require.Equal(t, "x", string(<-ch2))
	leave1()
	leave2()
	require.Eventually(t, func() bool { return events.active() == 0 }, 5*time.Second, time.Millisecond)
	_, leave3 := h.join()
	defer leave3()
	require.Equal(t, 2, events.subscribed)
}

func TestSlowListenerIsDisconnected(t *testing.T) {
	t.Parallel()
	events := &countingEvents{}
	h := newHub(events, func(_ context.Context, ev queue.Event) []byte { return []byte(ev.TaskID) }, slogDiscard())
	slow, leaveSlow := h.join()
	defer leaveSlow()
	fast, leaveFast := h.join()
	defer leaveFast()
	for range clientBuffer + 1 {
		events.send(queue.Event{TaskID: "e"})
		<-fast
	}
	n := 0
	for range slow {
		n++
	}
	require.Equal(t, clientBuffer, n)
	require.Equal(t, 1, h.listeners())
}
