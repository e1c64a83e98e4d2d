package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/parser"

	"github.com/ossemu/ossemu/queue"
)

type listJSON struct {
	RequestID string `json:"RequestId"`
	NextToken string
	Tasks     []taskJSON
}

func TestTaskAPIListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src")
	ctx := context.Background()
	var ids []string
	for range 7 {
		task, err := e.Queue.Enqueue(ctx, queue.NewTask{Action: parser.ActionSprite, Bucket: "src", Object: "in.mp4", Process: "video/sprite,f_jpg|sys/saveas,o_" + b64("s.jpg")})
		require.NoError(t, err)
		ids = append(ids, task.ID)
	}
	for range ids {
		e.wait(t) // the processor fails (no in.mp4) or succeeds: either way final
	}
	var got []string
	next := ""
	for page := 0; ; page++ {
		require.Less(t, page, 5)
		q := url.Values{"limit": {"3"}}
		if next != "" {
			q.Set("next", next)
		}
		resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks?"+q.Encode(), testAK, testSK)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		var l listJSON
		require.NoError(t, json.Unmarshal(body, &l))
		require.Regexp(t, reqIDPattern, l.RequestID)
		require.LessOrEqual(t, len(l.Tasks), 3)
		for _, task := range l.Tasks {
			got = append(got, task.TaskID)
			require.Equal(t, []struct{ URI string }{{"oss://src/in.mp4"}}, task.Sources)
		}
		if l.NextToken == "" {
			break
		}
		next = l.NextToken
	}
	want := make([]string, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		want = append(want, ids[i])
	}
	require.Equal(t, want, got)

	// Status filter: nothing is queued or running any more.
	for status, n := range map[string]int{"Queued": 0, "running": 0, "Failed": 7} {
		resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks?status="+status, testAK, testSK)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		var l listJSON
		require.NoError(t, json.Unmarshal(body, &l))
		require.Len(t, l.Tasks, n, status)
		for _, task := range l.Tasks {
			require.Equal(t, "Failed", task.Status)
			require.Equal(t, "NoSuchKey", task.Code)
		}
	}
}

func TestTaskAPIErrorsAndAuth(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src")
	task, err := e.Queue.Enqueue(context.Background(), queue.NewTask{Action: parser.ActionConcat, Bucket: "src", Object: "k", Process: "x"})
	require.NoError(t, err)
	tests := []struct {
		name, path, user, pass string
		status                 int
		code                   string
	}{
		{"get", "/_ossemu/tasks/" + task.ID, testAK, testSK, 200, ""},
		{"list", "/_ossemu/tasks", testAK, testSK, 200, ""},
		{"anonymous", "/_ossemu/tasks/" + task.ID, "", "", 403, "AccessDenied"},
		{"anonymous list", "/_ossemu/tasks", "", "", 403, "AccessDenied"},
		{"wrong secret", "/_ossemu/tasks", testAK, "nope", 403, "SignatureDoesNotMatch"},
		{"wrong key", "/_ossemu/tasks", "someone", testSK, 403, "InvalidAccessKeyId"},
		{"unknown task", "/_ossemu/tasks/MediaConvert-none", testAK, testSK, 404, "ResourceNotFound"},
		{"bad status", "/_ossemu/tasks?status=Done", testAK, testSK, 400, "InvalidArgument"},
		{"limit too big", "/_ossemu/tasks?limit=101", testAK, testSK, 400, "InvalidArgument"},
		{"limit zero", "/_ossemu/tasks?MaxResults=0", testAK, testSK, 400, "InvalidArgument"},
		{"bad token", "/_ossemu/tasks?next=%21%21", testAK, testSK, 400, "InvalidArgument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+tc.path, tc.user, tc.pass)
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			if tc.code != "" {
				require.Contains(t, string(body), "<Code>"+tc.code+"</Code>")
			}
		})
	}
	t.Run("OSS V1 signature", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequest(http.MethodGet, e.URL+"/_ossemu/tasks/"+task.ID, nil)
		require.NoError(t, err)
		signV1(req, "_ossemu", "tasks/"+task.ID)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		var v taskJSON
		require.NoError(t, json.Unmarshal(body, &v))
		require.Equal(t, task.ID, v.TaskID)
	})
}
