package main

import (
	"bufio"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/console"
	"github.com/ossemu/ossemu/queue"
)

// TestClusterCancelThroughTheAPINode: the web console of an api node (which
// runs no tasks) shows a task a worker node runs, live (its Server-Sent
// Events stream carries the worker's progress), and cancels it: the
// worker's run stops, the task fails with TaskCancelled on its first
// attempt, no output is written and its notification goes out once.
func TestClusterCancelThroughTheAPINode(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs two emulator processes and the real engines")
	}
	c := startCluster(t, []string{"w1"})
	c.api.upload(t, "long.mp4", makeClip(t, 10, "1280x720"))
	frames := c.api.consoleEvents(t)
	long := "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + b64("long.mp4") + "/sur,o_" + b64("long.mp4")
	id := c.api.submit(t, "long.mp4", long+"|sys/saveas,o_"+b64("out/cancelled.mp4")+"/notify,topic_"+b64("done"))

	// The worker's progress reaches the api node's console stream.
	frames.await(t, "the worker's progress on the api node's stream", func(event, data string) bool {
		return event == "progress" && strings.Contains(data, id)
	})
	running := c.get(t, id)
	require.Equal(t, "Running", running.Status)
	require.Equal(t, "w1", running.Runs[0].Node)

	asked := time.Now()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.api.URL+console.DefaultPrefix+"api/tasks/"+id+"/cancel", nil)
	require.NoError(t, err)
	req.SetBasicAuth(childAK, childSK)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the api node's console cancels")

	var got childTask
	for deadline := time.Now().Add(30 * time.Second); ; {
		got = c.get(t, id)
		if got.Status != "Running" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the worker did not stop the run")
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the task ended %s after the cancel on the api node", time.Since(asked).Round(time.Millisecond))
	require.Equal(t, "Failed", got.Status)
	require.Equal(t, queue.CodeCancelled, got.Code)
	require.Equal(t, 1, got.Attempts, "not retried")
	require.Len(t, got.Runs, 1)
	require.Empty(t, c.api.listKeys(t, "out/"), "nothing published")
	frames.await(t, "the end on the api node's stream", func(event, data string) bool {
		return event == "task" && strings.Contains(data, id) && strings.Contains(data, queue.CodeCancelled)
	})
	for deadline := time.Now().Add(30 * time.Second); c.notes.snapshot()[id] == 0; {
		require.True(t, time.Now().Before(deadline), "no notification")
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 1, c.notes.snapshot()[id], "one notification")
}

// sseFrames collects a console event stream's frames.
type sseFrames struct {
	mu     sync.Mutex
	frames [][2]string // event, data
	more   chan struct{}
}

// consoleEvents opens the console's event stream on c for the test's life.
func (c *child) consoleEvents(t *testing.T) *sseFrames {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.URL+console.DefaultPrefix+"api/events", nil)
	require.NoError(t, err)
	req.SetBasicAuth(childAK, childSK)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	s := &sseFrames{more: make(chan struct{}, 1)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var event string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				s.mu.Lock()
				s.frames = append(s.frames, [2]string{event, strings.TrimPrefix(line, "data: ")})
				s.mu.Unlock()
				select {
				case s.more <- struct{}{}:
				default:
				}
			}
		}
	}()
	return s
}

// await waits until a frame matches.
func (s *sseFrames) await(t *testing.T, what string, match func(event, data string) bool) {
	t.Helper()
	deadline := time.After(3 * time.Minute)
	for {
		s.mu.Lock()
		for _, f := range s.frames {
			if match(f[0], f[1]) {
				s.mu.Unlock()
				return
			}
		}
		s.mu.Unlock()
		select {
		case <-s.more:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
