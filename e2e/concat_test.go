package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// enc encodes a name as seed 000's Go example does: URL-safe base64, padding trimmed.
func enc(s string) string {
	return strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(s)), "=")
}

// The shapes of the ids OSS returns: EventId like
// "10C-1XqxdjCRx3x7gRim3go1yLUVWgm", TaskId "MediaConvert-<uuid>", and a
// non-empty RequestId.
var (
	eventIDShape   = regexp.MustCompile(`^[0-9A-F]{3}-[0-9A-Za-z]{27}$`)
	taskIDShape    = regexp.MustCompile(`^MediaConvert-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	requestIDShape = regexp.MustCompile(`^[0-9A-Za-z-]{16,64}$`)
)

func requireIDs(t *testing.T, eventID, requestID, taskID string) {
	t.Helper()
	require.Regexp(t, eventIDShape, eventID)
	require.Regexp(t, requestIDShape, requestID)
	require.Regexp(t, taskIDShape, taskID)
}

// TestConcatSeedWorkedExample runs seed 000's worked example through the v1
// SDK: pre.mov played whole, then the request's example.mkv from 10 s to
// its end, then sur1.aac's first 10 s, into oss://outbucket/outobj.mp4 as
// H.264 25 fps 1 Mbps + AAC 96 kbps 48 kHz stereo aligned on example.mkv.
func TestConcatSeedWorkedExample(t *testing.T) {
	t.Parallel()
	hook, notes := notifyReceiver(t)
	e := startEmulatorArgs(t, []string{"--notify-endpoint", "AudioConvert=" + hook + "#SIMPLIFIED"}, "video-demo", "outbucket")

	// An MKV (VP9/Opus, 24 fps, 384x216) long enough to play from 10 s.
	mkv := filepath.Join(t.TempDir(), "example.mkv")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc2=s=384x216:r=24:d=15", "-f", "lavfi", "-i", "sine=f=660:r=48000:d=15",
		"-ac", "2", "-pix_fmt", "yuv420p", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
		"-b:v", "300k", "-g", "48", "-c:a", "libopus", "-b:a", "48k", mkv)
	inputs := map[string]string{"pre.mov": videos + "pre.mov", "example.mkv": mkv, "sur1.aac": videos + "sur1.aac"}
	b := e.bucketV1(t, "video-demo")
	for key, path := range inputs {
		require.NoError(t, b.PutObjectFromFile(key, path))
	}

	style := fmt.Sprintf("video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_%s/sur,o_%s,t_10000",
		enc("pre.mov"), enc("sur1.aac"))
	process := fmt.Sprintf("%s|sys/saveas,b_%v,o_%v/notify,topic_QXVkaW9Db252ZXJ0", style, enc("outbucket"), enc("outobj.{autoext}"))
	rs, err := b.AsyncProcessObject("example.mkv", process)
	require.NoError(t, err)
	requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)

	v := e.requireSucceeded(t, rs.TaskId)
	require.Equal(t, rs.TaskId, v.TaskID)
	require.Equal(t, rs.EventId, v.EventID)
	require.Equal(t, []string{"oss://outbucket/outobj.mp4"}, targetURIs(v))
	var sources []string
	for _, s := range v.Sources {
		sources = append(sources, s.URI)
	}
	require.Equal(t, []string{"oss://video-demo/pre.mov", "oss://video-demo/example.mkv", "oss://video-demo/sur1.aac"}, sources)

	// Completion is announced on the notify topic (topic_QXVkaW9Db252ZXJ0 = AudioConvert).
	select {
	case n := <-notes:
		require.Equal(t, rs.EventId, n.ID)
		require.Equal(t, "imm:Task:MediaConvert", n.Type)
		require.Equal(t, rs.TaskId, n.Content.TaskID)
		require.Equal(t, rs.RequestId, n.Content.RequestID)
		require.Equal(t, "Succeeded", n.Content.Status)
		require.Len(t, n.Content.Targets, 1)
		require.Equal(t, "oss://outbucket/outobj.mp4", n.Content.Targets[0].URI)
		require.Len(t, n.Content.Sources, 3)
	case <-time.After(time.Minute):
		t.Fatal("no notification within a minute of the task's end")
	}

	out := filepath.Join(t.TempDir(), "outobj.mp4")
	ob := e.bucketV1(t, "outbucket")
	require.NoError(t, ob.GetObjectToFile("outobj.mp4", out))
	meta, err := ob.GetObjectDetailedMeta("outobj.mp4")
	require.NoError(t, err)
	require.Equal(t, "video/mp4", meta.Get("Content-Type"))

	// The expected length is measured from the inputs: all of pre.mov,
	// example.mkv past 10 s, at most 10 s of sur1.aac.
	want := ffprobe(t, inputs["pre.mov"]).duration(t) +
		ffprobe(t, mkv).duration(t) - 10 +
		min(ffprobe(t, inputs["sur1.aac"]).duration(t), 10)

	p := ffprobe(t, out)
	require.Len(t, p.Streams, 2)
	vi, ai := p.stream(t, "video"), p.stream(t, "audio")
	vs, as := p.Streams[vi], p.Streams[ai]
	require.Equal(t, "h264", vs.CodecName)
	require.Equal(t, "aac", as.CodecName)
	require.InDelta(t, 25, rate(t, vs.AvgFrameRate), 0.01)
	require.InDelta(t, 25, rate(t, vs.RFrameRate), 0.01)
	require.Equal(t, "48000", as.SampleRate)
	require.Equal(t, 2, as.Channels)
	require.Equal(t, []int{384, 216}, []int{vs.Width, vs.Height}, "align_1 is example.mkv's size")
	require.InDelta(t, want, p.duration(t), 0.1, "sum of the trimmed clips")
	require.InDelta(t, p.streamDuration(t, vi), p.streamDuration(t, ai), 0.1, "audio and video lengths")
	br, err := strconv.ParseFloat(p.Format.BitRate, 64)
	require.NoError(t, err)
	t.Logf("output %.3f s (want %.3f), %.0f bit/s (target 1096000)", p.duration(t), want, br)
	require.InEpsilon(t, 1_096_000, br, 0.15, "overall bitrate near vb+ab")
	requireFaststart(t, out)
}

// TestConcatSDKExampleV2 submits the process string of seed 000's
// Java/Python/Go examples (ss_0, t_0, align_1: the request's own object
// sets the size) with the v2 SDK.
func TestConcatSDKExampleV2(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "examplebucket")
	c := e.v2()
	ctx := context.Background()
	clips := map[string]string{
		"concat1.mp4": makeClip(t, "concat1.mp4", 2, "320x240"),
		"src.mp4":     makeClip(t, "src.mp4", 3, "352x288"),
		"concat2.mp4": makeClip(t, "concat2.mp4", 2, "240x320"),
	}
	var want float64
	for key, path := range clips {
		_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr(key)}, path)
		require.NoError(t, err)
		want += ffprobe(t, path).duration(t)
	}

	bucketName, targetObject, sourceVideo := "examplebucket", "dest.mp4", "src.mp4"
	style := fmt.Sprintf("video/concat,ss_0,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1/pre,o_%s/sur,o_%s,t_0",
		enc("concat1.mp4"), enc("concat2.mp4"))
	process := fmt.Sprintf("%s|sys/saveas,b_%v,o_%v/notify,topic_QXVkaW9Db252ZXJ0", style, enc(bucketName), enc(targetObject))
	rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
		Bucket: oss.Ptr(bucketName), Key: oss.Ptr(sourceVideo), AsyncProcess: oss.Ptr(process),
	})
	require.NoError(t, err)
	require.Equal(t, 200, rs.StatusCode)
	requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)

	v := e.requireSucceeded(t, rs.TaskId)
	require.Equal(t, []string{"oss://examplebucket/dest.mp4"}, targetURIs(v))
	out := filepath.Join(t.TempDir(), "dest.mp4")
	_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucketName), Key: oss.Ptr(targetObject)}, out)
	require.NoError(t, err)

	p := ffprobe(t, out)
	require.Len(t, p.Streams, 2)
	vi, ai := p.stream(t, "video"), p.stream(t, "audio")
	require.Equal(t, "h264", p.Streams[vi].CodecName)
	require.Equal(t, "aac", p.Streams[ai].CodecName)
	require.InDelta(t, 25, rate(t, p.Streams[vi].AvgFrameRate), 0.01)
	require.Equal(t, "48000", p.Streams[ai].SampleRate)
	require.Equal(t, 2, p.Streams[ai].Channels)
	require.Equal(t, []int{352, 288}, []int{p.Streams[vi].Width, p.Streams[vi].Height}, "align_1 is src.mp4's size")
	require.InDelta(t, want, p.duration(t), 0.1, "the three clips whole")
	require.InDelta(t, p.streamDuration(t, vi), p.streamDuration(t, ai), 0.1)
	requireFaststart(t, out)
}
