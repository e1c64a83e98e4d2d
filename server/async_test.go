package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	v1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

const (
	taskIDPattern  = `^MediaConvert-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`
	eventIDPattern = `^[0-9A-F]{3}-[0-9A-Za-z]{27}$`
	reqIDPattern   = `^[0-9A-F]{24}$`
)

// concatProcess is the seed's Go example shape: /pre and /sur around the
// request's object, saved to bucket/target, with a notify topic.
func concatProcess(bucket, target string, pre, sur string) string {
	return fmt.Sprintf("video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1"+
		"/pre,o_%s/sur,o_%s,t_0|sys/saveas,b_%s,o_%s/notify,topic_QXVkaW9Db252ZXJ0",
		b64(pre), b64(sur), b64(bucket), b64(target))
}

// taskJSON is the task API's view, as a client decodes it.
type taskJSON struct {
	TaskID, TaskType, Status, Code, Message, Process, EventID string
	StartTime, EndTime, SubmitTime                            string
	Progress                                                  int
	Sources, Targets                                          []struct{ URI string }
	NotifyTopic                                               string
}

func (e *taskEnv) getTask(t *testing.T, id string) taskJSON {
	t.Helper()
	resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks/"+id, testAK, testSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var v taskJSON
	require.NoError(t, json.Unmarshal(body, &v))
	return v
}

// checkFinished asserts the task API shows a completed concat of the three
// inputs and that its output holds them in order.
func (e *taskEnv) checkFinished(t *testing.T, id string) {
	t.Helper()
	fin := e.wait(t)
	require.Equal(t, id, fin.ID)
	v := e.getTask(t, id)
	require.Equal(t, "Succeeded", v.Status, "%s: %s", v.Code, v.Message)
	require.Equal(t, "MediaConvert", v.TaskType)
	require.Equal(t, 100, v.Progress)
	require.NotEmpty(t, v.StartTime)
	require.NotEmpty(t, v.EndTime)
	require.Equal(t, "AudioConvert", v.NotifyTopic)
	require.Contains(t, v.Process, "video/concat,ss_0,f_mp4")
	var src []string
	for _, s := range v.Sources {
		src = append(src, s.URI)
	}
	require.Equal(t, []string{"oss://src/a.mp4", "oss://src/in.mp4", "oss://src/b.mp4"}, src)
	require.Len(t, v.Targets, 1)
	require.Equal(t, "oss://dst/out/joined.mp4", v.Targets[0].URI)
	o, err := e.Store.GetObject(context.Background(), "dst", "out/joined.mp4")
	require.NoError(t, err)
	defer o.Close()
	data, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, "AAAIIIBBB", string(data))
}

func (e *taskEnv) seed(t *testing.T) {
	e.put(t, "src", "a.mp4", "AAA")
	e.put(t, "src", "in.mp4", "III")
	e.put(t, "src", "b.mp4", "BBB")
}

func TestAsyncProcessSDKv1(t *testing.T) {
	t.Parallel()
	for name, version := range map[string]v1.AuthVersionType{"V1": v1.AuthV1, "V4": v1.AuthV4} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTaskEnv(t, copyProc{}, "src", "dst")
			e.seed(t)
			res, err := e.v1BucketAuth(t, "src", version).AsyncProcessObject("in.mp4", concatProcess("dst", "out/joined.mp4", "a.mp4", "b.mp4"))
			require.NoError(t, err)
			require.Regexp(t, taskIDPattern, res.TaskId)
			require.Regexp(t, eventIDPattern, res.EventId)
			require.Regexp(t, reqIDPattern, res.RequestId)
			e.checkFinished(t, res.TaskId)
		})
	}
}

func TestAsyncProcessSDKv2(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src", "dst")
	e.seed(t)
	res, err := e.v2Client().AsyncProcessObject(context.Background(), &v2.AsyncProcessObjectRequest{
		Bucket: v2.Ptr("src"), Key: v2.Ptr("in.mp4"),
		AsyncProcess: v2.Ptr(concatProcess("dst", "out/joined.mp4", "a.mp4", "b.mp4")),
	})
	require.NoError(t, err)
	require.Regexp(t, taskIDPattern, res.TaskId)
	require.Regexp(t, eventIDPattern, res.EventId)
	require.Equal(t, res.Headers.Get("x-oss-request-id"), res.RequestId)
	require.Equal(t, "application/json", res.Headers.Get("Content-Type"))
	e.checkFinished(t, res.TaskId)
}

func TestAsyncProcessSpriteFailsThroughTask(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, failProc{}, "src")
	e.put(t, "src", "in.mp4", "not a video")
	res, err := e.v2Client().AsyncProcessObject(context.Background(), &v2.AsyncProcessObjectRequest{
		Bucket: v2.Ptr("src"), Key: v2.Ptr("in.mp4"),
		AsyncProcess: v2.Ptr("video/sprite,f_jpg|sys/saveas,o_" + b64("sheet_{index}.jpg")),
	})
	require.NoError(t, err)
	require.Equal(t, res.TaskId, e.wait(t).ID)
	v := e.getTask(t, res.TaskId)
	require.Equal(t, "Failed", v.Status)
	require.Equal(t, "InvalidMedia", v.Code)
	require.Equal(t, "no video stream", v.Message)
	require.Empty(t, v.Targets)
	require.Equal(t, []struct{ URI string }{{"oss://src/in.mp4"}}, v.Sources)
}

// failProc fails every task as an engine does for bad media.
type failProc struct{}

func (failProc) Process(context.Context, *queue.Job) (*queue.Result, error) {
	return nil, errInvalidMedia
}

var errInvalidMedia = osserr.New(osserr.InvalidMedia, "no video stream")

func TestAsyncProcessSyncErrors(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src", "dst")
	e.seed(t)
	good := concatProcess("dst", "o.mp4", "a.mp4", "b.mp4")
	tests := []struct {
		name, bucket, key, process string
		code                       string
		status                     int
		msg                        string
	}{
		{"bad style", "src", "in.mp4", "video/concat,f_xyz|sys/saveas,o_" + b64("o.mp4"), "InvalidArgument", 400, "parameter f"},
		{"missing parameter", "src", "in.mp4", "video/concat|sys/saveas,o_" + b64("o.mp4"), "MissingArgument", 400, "parameter f is required"},
		{"unknown action", "src", "in.mp4", "video/convert,f_mp4|sys/saveas,o_" + b64("o.mp4"), "InvalidArgument", 400, ""},
		{"missing source", "src", "nope.mp4", good, "NoSuchKey", 404, "nope.mp4"},
		{"missing pre", "src", "in.mp4", concatProcess("dst", "o.mp4", "gone.mp4", "b.mp4"), "NoSuchKey", 404, "gone.mp4"},
		{"missing sur", "src", "in.mp4", concatProcess("dst", "o.mp4", "a.mp4", "gone2.mp4"), "NoSuchKey", 404, "gone2.mp4"},
		{"missing target bucket", "src", "in.mp4", concatProcess("nobucket", "o.mp4", "a.mp4", "b.mp4"), "NoSuchBucket", 404, "nobucket"},
		{"missing source bucket", "nosrc", "in.mp4", good, "NoSuchBucket", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.v2Client().AsyncProcessObject(context.Background(), &v2.AsyncProcessObjectRequest{
				Bucket: v2.Ptr(tc.bucket), Key: v2.Ptr(tc.key), AsyncProcess: v2.Ptr(tc.process),
			})
			var se *v2.ServiceError
			require.True(t, errors.As(err, &se), "%v", err)
			require.Equal(t, tc.code, se.Code)
			require.Equal(t, tc.status, se.StatusCode)
			require.Contains(t, se.Message, tc.msg)

			_, err = e.v1Bucket(t, tc.bucket).AsyncProcessObject(tc.key, tc.process)
			var ve v1.ServiceError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, tc.code, ve.Code)
			require.Equal(t, tc.status, ve.StatusCode)
		})
	}
	// Nothing was queued by any refused request.
	tasks, _, err := e.Queue.List(context.Background(), queue.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, tasks)
}

func TestAsyncProcessRawRequests(t *testing.T) {
	t.Parallel()
	e := newTaskEnv(t, copyProc{}, "src")
	e.put(t, "src", "in.mp4", "III")
	post := func(t *testing.T, query, body string, signed bool) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.URL+"/src/in.mp4?"+query, strings.NewReader(body))
		require.NoError(t, err)
		if signed {
			k, v, _ := strings.Cut(query, "=")
			sub := k
			if v != "" {
				dec, err := url.QueryUnescape(v)
				require.NoError(t, err)
				sub += "=" + dec
			}
			signV1(req, "src", "in.mp4", sub)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	proc := "video/sprite,f_jpg|sys/saveas,o_" + b64("s.jpg")
	for _, tc := range []struct {
		name, query, body string
		signed            bool
		status            int
		want              string
	}{
		{"anonymous", "x-oss-async-process", "x-oss-async-process=" + proc, false, 403, "<Code>AccessDenied</Code>"},
		{"empty body", "x-oss-async-process", "", true, 400, "no x-oss-async-process parameter found"},
		{"other body", "x-oss-async-process", "process=" + proc, true, 400, "<Code>InvalidRequest</Code>"},
		{"with =", "x-oss-async-process=", "x-oss-async-process=" + proc, true, 200, `"TaskId":"MediaConvert-`},
		{"percent-encoded", "x-oss-async-process", "x-oss-async-process=" + strings.ReplaceAll(proc, "|", "%7C"), true, 200, `"EventId":"`},
		{"process in the query", "x-oss-async-process=" + url.QueryEscape(proc), "", true, 200, `"RequestId":"`},
		{"sync video", "x-oss-process", "x-oss-process=" + proc, true, 400, "video/sprite is performed only asynchronously: send it with POST /&lt;object&gt;?x-oss-async-process"},
		{"sync snapshot", "x-oss-process", "x-oss-process=video/snapshot,t_1000", true, 400, "ossemu does not perform video/snapshot, synchronously or asynchronously; it performs only video/concat and video/sprite"},
		{"sync image", "x-oss-process", "x-oss-process=image/resize,w_100", true, 400, "<Code>InvalidArgument</Code><Message>ossemu does not perform image/resize"},
		{"async snapshot", "x-oss-async-process", "x-oss-async-process=video/snapshot,t_1000|sys/saveas,o_" + b64("s.jpg"), true, 400, "unknown action video/snapshot: ossemu performs only video/concat and video/sprite, asynchronously"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, tc.query, tc.body, tc.signed)
			require.Equal(t, tc.status, status, body)
			require.Contains(t, body, tc.want)
		})
	}
	for range 3 {
		fin := e.wait(t)
		require.Equal(t, queue.Succeeded, fin.State)
		require.Equal(t, "x-oss-async-process="+fin.Process, "x-oss-async-process="+proc, "percent-decoding restored the string")
	}
}
