package notifier

import (
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage/local"
)

// fakeConcat stands in for the video engine: it writes a small output file,
// or fails like a bad input when the process string asks it to.
type fakeConcat struct{}

func (fakeConcat) Process(ctx context.Context, job *queue.Job) (*queue.Result, error) {
	if strings.Contains(job.Object, "corrupt") {
		return nil, osserr.New(osserr.InvalidMedia, "%s has no decodable video stream", job.Object)
	}
	path := filepath.Join(job.WorkDir, "out.mp4")
	if err := os.WriteFile(path, []byte("not really a video"), 0o644); err != nil {
		return nil, err
	}
	return &queue.Result{Outputs: []queue.Output{{Bucket: job.Bucket, Key: "out/" + job.Object, Path: path, ContentType: "video/mp4"}}}, nil
}

// TestQueueFinishHook runs tasks through the real queue (its SQLite store,
// worker pool and finish transaction) with the notifier as OnFinish, and a
// stand-in processor instead of FFmpeg: the push carries the task's outcome.
func TestQueueFinishHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := local.Open(ctx, local.Config{Dir: filepath.Join(dir, "objects"), NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	require.NoError(t, store.CreateBucket(ctx, "media"))
	q, err := queue.Open(ctx, filepath.Join(dir, "queue.db"))
	require.NoError(t, err)

	srv, got := receiver(t, func(int, pushed) int { return http.StatusNoContent })
	n := newNotifier(t, dir, q.DB(), func(c *Config) {
		c.Endpoints = []Endpoint{{Topic: "video-done", URL: srv.URL + "/hook", Format: FormatXML}}
	})
	cfg := queue.DefaultConfig()
	cfg.Workers, cfg.WorkRoot, cfg.Storage = 1, filepath.Join(dir, "work"), store
	cfg.Processors = queue.Processors{parser.ActionConcat: fakeConcat{}}
	cfg.OnFinish = n.FinishHook()
	cfg.Finished = n.Finished()
	cfg.Logger = slog.New(slog.DiscardHandler)
	pool, err := queue.NewPool(q, cfg)
	require.NoError(t, err)
	pctx, stopPool := context.WithCancel(ctx)
	poolDone := make(chan error, 1)
	go func() { poolDone <- pool.Run(pctx) }()
	t.Cleanup(func() {
		stopPool()
		<-poolDone
		q.Close()
	})
	testutil.RunBackground(t, n.Run)

	tests := []struct {
		object, status, code string
	}{
		{"clip.mp4", StatusSucceeded, ""},
		{"corrupt.mp4", StatusFailed, "InvalidMedia"},
	}
	for _, tc := range tests {
		task, err := q.Enqueue(ctx, queue.NewTask{Action: parser.ActionConcat, Bucket: "media", Object: tc.object, RequestID: "REQ-" + tc.object,
			Process: "video/concat,f_mp4|sys/saveas,o_b3V0/notify,topic_dmlkZW8tZG9uZQ", Topic: "video-done"})
		require.NoError(t, err)
		p := next(t, got)
		require.Equal(t, "/hook", p.path)
		var note Notification
		require.NoError(t, xml.Unmarshal(p.body, &note))
		require.Equal(t, MD5Hex([]byte(note.Message)), note.MessageMD5)
		e, c := decodeEnvelope(t, []byte(note.Message))
		require.Equal(t, task.EventID, e.ID)
		require.Equal(t, "imm:Task:MediaConvert", e.Type)
		require.Equal(t, task.ID, c.TaskId)
		require.Equal(t, "REQ-"+tc.object, c.RequestId)
		require.Equal(t, tc.status, c.Status)
		require.Equal(t, tc.code, c.Code)
		require.Equal(t, "oss://media/"+tc.object, c.Sources[0].URI)
		_, err = time.Parse(time.RFC3339Nano, c.EndTime)
		require.NoError(t, err)
		if tc.status == StatusSucceeded {
			require.Len(t, c.Targets, 1)
			require.Equal(t, "oss://media/out/"+tc.object, c.Targets[0].URI)
		} else {
			require.Empty(t, c.Targets)
			require.Contains(t, c.Message, "no decodable video stream")
		}
		require.Eventually(t, func() bool {
			st, err := n.TaskStatus(ctx, task.ID)
			return err == nil && st != nil && st.State == StateDelivered
		}, 10*time.Second, 5*time.Millisecond)
	}
}
