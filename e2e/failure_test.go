package e2e

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// TestFailedTasks submits tasks whose media cannot be processed: they are
// accepted (the objects exist), then end Failed with a code and a message
// naming the clip, and publish nothing.
func TestFailedTasks(t *testing.T) {
	t.Parallel()
	hook, notes := notifyReceiver(t)
	e := startEmulatorArgs(t, []string{"--notify-endpoint", "failures=" + hook + "#SIMPLIFIED"}, "media")
	b := e.bucketV1(t, "media")
	noise := filepath.Join(t.TempDir(), "noise.mov")
	garbage := make([]byte, 64<<10)
	_, err := rand.Read(garbage)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(noise, garbage, 0o644))
	// A faststart MP4 cut in half: the index is intact, half the data is gone.
	whole := filepath.Join(t.TempDir(), "whole.mp4")
	ffmpeg(t, "-i", makeClip(t, "w.mp4", 4, "320x240"), "-c", "copy", "-movflags", "+faststart", whole)
	data, err := os.ReadFile(whole)
	require.NoError(t, err)
	cut := filepath.Join(t.TempDir(), "cut.mp4")
	require.NoError(t, os.WriteFile(cut, data[:len(data)/2], 0o644))
	for key, path := range map[string]string{
		"good.mp4":   makeClip(t, "good.mp4", 2, "320x240"),
		"broken.mp4": videos + "truncated.mp4",
		"noise.mov":  noise,
		"sur1.aac":   videos + "sur1.aac",
		"cut.mp4":    cut,
	} {
		require.NoError(t, b.PutObjectFromFile(key, path))
	}

	cases := []struct {
		name, source, process, names string
	}{
		{"concat with a truncated clip", "good.mp4",
			"video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("broken.mp4") + "|sys/saveas,o_" + enc("out/concat-broken.mp4"), "broken.mp4"},
		{"concat of random bytes", "noise.mov",
			"video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_" + enc("good.mp4") + "|sys/saveas,o_" + enc("out/concat-noise.mp4"), "noise.mov"},
		{"concat with a clip cut in half", "good.mp4",
			"video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_" + enc("cut.mp4") + "|sys/saveas,o_" + enc("out/concat-cut.mp4"), "cut.mp4"},
		{"sprite of a truncated file", "broken.mp4",
			"video/sprite,f_jpg,inter_500|sys/saveas,o_" + enc("out/sprite-broken-{index}.jpg"), "broken.mp4"},
		{"sprite of an audio-only file", "sur1.aac",
			"video/sprite,f_png,inter_500|sys/saveas,o_" + enc("out/sprite-aac-{index}.png"), "sur1.aac"},
		{"sprite starting past the end", "good.mp4",
			"video/sprite,f_jpg,ss_5000|sys/saveas,o_" + enc("out/sprite-late-{index}.jpg"), "good.mp4"},
		{"concat clip starting past its end", "good.mp4",
			"video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("good.mp4") + ",ss_5000|sys/saveas,o_" + enc("out/concat-late.mp4"), "good.mp4"},
	}
	var mu sync.Mutex
	failed := map[string]task{} // by TaskId, for the notifications
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs, err := b.AsyncProcessObject(tc.source, tc.process+"/notify,topic_"+enc("failures"))
			require.NoError(t, err, "the request is valid; the media is not")
			requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)
			v := e.waitTask(t, rs.TaskId)
			require.Equal(t, "Failed", v.Status)
			require.NotEmpty(t, v.Code)
			require.NotEqual(t, "InternalError", v.Code, "bad media is the caller's problem: %s", v.Message)
			require.Contains(t, v.Message, tc.names, "the message names the clip")
			require.Empty(t, v.Targets)
			t.Logf("%s: %s", v.Code, v.Message)
			mu.Lock()
			failed[v.TaskID] = v
			mu.Unlock()
		})
	}
	t.Cleanup(func() {
		// Runs after the parallel subtests: nothing was published, and
		// each failure was announced with its code and message.
		require.Empty(t, listKeys(t, b, "out/"))
		require.Len(t, failed, len(cases))
		for range failed {
			select {
			case n := <-notes:
				v, ok := failed[n.Content.TaskID]
				require.True(t, ok, "notification for an unknown task %s", n.Content.TaskID)
				require.Equal(t, "Failed", n.Content.Status)
				require.Equal(t, v.Code, n.Content.Code)
				require.Equal(t, v.Message, n.Content.Message)
			case <-time.After(time.Minute):
				t.Fatal("a failed task was not announced within a minute")
			}
		}
	})
}

// serviceError is an OSS error as either SDK reports it.
type serviceError struct {
	Status        int
	Code, Message string
}

func v1Error(t *testing.T, err error) serviceError {
	t.Helper()
	var se ossv1.ServiceError
	require.True(t, errors.As(err, &se), "want an OSS service error, got %v", err)
	return serviceError{se.StatusCode, se.Code, se.Message}
}

func v2Error(t *testing.T, err error) serviceError {
	t.Helper()
	var se *oss.ServiceError
	require.True(t, errors.As(err, &se), "want an OSS service error, got %v", err)
	return serviceError{se.StatusCode, se.Code, se.Message}
}

// TestRejectedRequests checks the errors returned at submission, through
// both SDKs: no task is created for any of them.
func TestRejectedRequests(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	require.NoError(t, b.PutObjectFromFile("in.mp4", makeClip(t, "in.mp4", 1, "160x120")))
	saveas := "|sys/saveas,o_" + enc("out/x.mp4")
	concat := "video/concat,f_mp4,vcodec_h264,acodec_aac"

	cases := []struct {
		name, key, process string
		status             int
		code, mentions     string
	}{
		{"fps out of range", "in.mp4", concat + ",fps_300/sur,o_" + enc("in.mp4") + saveas, 400, "InvalidArgument", "fps"},
		{"pcm in mp4", "in.mp4", "video/concat,f_mp4,vcodec_h264,acodec_pcm/sur,o_" + enc("in.mp4") + saveas, 400, "InvalidArgument", "pcm"},
		{"vb with crf", "in.mp4", concat + ",vb_1000000,crf_23/sur,o_" + enc("in.mp4") + saveas, 400, "InvalidArgument", "crf"},
		{"sprite tw over 100", "in.mp4", "video/sprite,f_jpg,tw_101" + saveas, 400, "InvalidArgument", "tw"},
		{"sprite format gif", "in.mp4", "video/sprite,f_gif" + saveas, 400, "InvalidArgument", "gif"},
		{"o_ not base64", "in.mp4", concat + "/sur,o_!!!" + saveas, 400, "InvalidArgument", "o"},
		{"missing /pre object", "in.mp4", concat + "/pre,o_" + enc("nope/missing.mov") + saveas, 404, "NoSuchKey", "nope/missing.mov"},
		{"missing source object", "absent.mp4", concat + "/sur,o_" + enc("in.mp4") + saveas, 404, "NoSuchKey", "absent.mp4"},
		{"missing target bucket", "in.mp4", concat + "/sur,o_" + enc("in.mp4") + "|sys/saveas,b_" + enc("no-such-bucket") + ",o_" + enc("x.mp4"), 404, "NoSuchBucket", "no-such-bucket"},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.AsyncProcessObject(tc.key, tc.process)
			require.Error(t, err)
			got := v1Error(t, err)
			require.Equal(t, tc.status, got.Status, got.Message)
			require.Equal(t, tc.code, got.Code, got.Message)
			require.Contains(t, got.Message, tc.mentions)

			_, err = e.v2().AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
				Bucket: oss.Ptr("media"), Key: oss.Ptr(tc.key), AsyncProcess: oss.Ptr(tc.process),
			})
			require.Error(t, err)
			got2 := v2Error(t, err)
			require.Equal(t, got, got2, "both SDKs see the same error")
		})
	}

	t.Run("anonymous", func(t *testing.T) {
		process := concat + "/sur,o_" + enc("in.mp4") + saveas
		_, err := e.anonymousV2().AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
			Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4"), AsyncProcess: oss.Ptr(process),
		})
		require.Error(t, err)
		got := v2Error(t, err)
		require.Equal(t, 403, got.Status)
		require.Equal(t, "AccessDenied", got.Code)

		// The same as a bare HTTP POST, as a browser would send it.
		resp, err := http.Post(e.URL+"/media/in.mp4?x-oss-async-process", "", strings.NewReader("x-oss-async-process="+process))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Contains(t, string(body), "<Code>AccessDenied</Code>")
	})

	t.Run("wrong secret", func(t *testing.T) {
		c, err := ossv1.New(e.URL, testAK, "not-the-secret", ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(testRegion))
		require.NoError(t, err)
		wb, err := c.Bucket("media")
		require.NoError(t, err)
		_, err = wb.AsyncProcessObject("in.mp4", concat+"/sur,o_"+enc("in.mp4")+saveas)
		got := v1Error(t, err)
		require.Equal(t, 403, got.Status)
		require.Equal(t, "SignatureDoesNotMatch", got.Code)
	})

	// None of the rejected requests became a task.
	resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/tasks", testAK, testSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"Tasks":[]`)
}
