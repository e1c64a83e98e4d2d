package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcatElevenClips joins the documented maximum of 11 videos (5 /pre,
// the request's object, 5 /sur) of 1 s each: the output lasts the sum of
// the clips and holds exactly one frame per source frame, so no time is
// gained or lost at any of the 10 joins. A twelfth clip is refused.
func TestConcatElevenClips(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	b := e.bucketV1(t, "media")
	clip := makeClip(t, "clip.mp4", 1, "160x120")
	srcFrames := countFrames(t, clip)
	var want float64
	var segs []string
	for i := range 11 {
		key := fmt.Sprintf("in/clip-%02d.mp4", i)
		require.NoError(t, b.PutObjectFromFile(key, clip))
		want += ffprobe(t, clip).duration(t)
		switch {
		case i < 5:
			segs = append(segs, "/pre,o_"+enc(key))
		case i > 5:
			segs = append(segs, "/sur,o_"+enc(key))
		}
	}
	process := "video/concat,f_mp4,vcodec_h264,fps_25,acodec_aac" + strings.Join(segs, "") + "|sys/saveas,o_" + enc("out/eleven.mp4")
	rs, err := b.AsyncProcessObject("in/clip-05.mp4", process)
	require.NoError(t, err)
	e.requireSucceeded(t, rs.TaskId)

	out := filepath.Join(t.TempDir(), "eleven.mp4")
	require.NoError(t, b.GetObjectToFile("out/eleven.mp4", out))
	p := ffprobe(t, out)
	vi, ai := p.stream(t, "video"), p.stream(t, "audio")
	t.Logf("video %.3f s, audio %.3f s, format %.3f s, want %.3f s", p.streamDuration(t, vi), p.streamDuration(t, ai), p.duration(t), want)
	require.InDelta(t, 11*srcFrames, countFrames(t, out), 1, "one output frame per source frame at the same rate")
	require.InDelta(t, want, p.duration(t), 0.1, "sum of the clips")
	require.InDelta(t, want, p.streamDuration(t, ai), 0.1, "audio: sum of the clips")

	_, err = b.AsyncProcessObject("in/clip-05.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac"+strings.Join(segs, "")+
		"/sur,o_"+enc("in/clip-00.mp4")+"|sys/saveas,o_"+enc("out/twelve.mp4"))
	got := v1Error(t, err)
	require.Equal(t, 400, got.Status)
	require.Equal(t, "InvalidArgument", got.Code)
	require.Contains(t, got.Message, "11")
}
