package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// TestTaskAPIShowsRuns: GetTask names the node that ran each attempt;
// ListTasks leaves the runs out.
func TestTaskAPIShowsRuns(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src")
	task, err := e.Queue.Enqueue(context.Background(), queue.NewTask{Action: parser.ActionSprite, Bucket: "src", Object: "in.mp4",
		Process: "video/sprite,f_jpg|sys/saveas,o_" + b64("s.jpg")})
	require.NoError(t, err)
	require.Equal(t, task.ID, e.wait(t).ID)

	resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks/"+task.ID, testAK, testSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var v struct {
		Attempts int
		Runs     []struct {
			Attempt         int
			Node, StartTime string
		}
	}
	require.NoError(t, json.Unmarshal(body, &v))
	// The input is missing, which the queue retries: one run per attempt.
	require.Positive(t, v.Attempts)
	require.Len(t, v.Runs, v.Attempts, string(body))
	for i, r := range v.Runs {
		require.Equal(t, i+1, r.Attempt)
		require.Equal(t, e.Queue.Node(), r.Node)
		started, err := time.Parse("2006-01-02T15:04:05.000Z", r.StartTime)
		require.NoError(t, err)
		require.WithinDuration(t, time.Now(), started, time.Minute)
	}
	require.NotEmpty(t, e.Queue.Node())

	resp, body = testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks", testAK, testSK)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotContains(t, string(body), `"Runs"`)
}
