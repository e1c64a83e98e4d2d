package e2e

import (
	"context"
	"image"
	"path/filepath"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestConcatMixedMedia joins the kinds of clip users upload, through the v2
// SDK: a phone-style portrait clip (rotation metadata), odd dimensions with
// 4:4:4 chroma, variable frame rate, 10-bit HEVC with 5.1 audio, a clip
// without audio and an audio-only AAC. align defaults to the first clip, so
// the output is the portrait clip's upright size at its 25 fps.
func TestConcatMixedMedia(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "media")
	c := e.v2()
	ctx := context.Background()
	order := []string{"portrait.mp4", "odd.mp4", "vfr.mp4", "hevc10.mp4", "video_only.mp4", "sur1.aac"}
	var want float64
	for _, key := range order {
		_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("in/" + key)}, videos+key)
		require.NoError(t, err)
		if key == "sur1.aac" {
			want += 1.5 // t_1500
		} else {
			want += ffprobe(t, videos+key).duration(t)
		}
	}
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac,ar_48000,ac_2" +
		"/pre,o_" + enc("in/portrait.mp4") + "/pre,o_" + enc("in/odd.mp4") +
		"/sur,o_" + enc("in/hevc10.mp4") + "/sur,o_" + enc("in/video_only.mp4") + "/sur,o_" + enc("in/sur1.aac") + ",t_1500" +
		"|sys/saveas,o_" + enc("out/{barename}-mixed.{autoext}")
	rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
		Bucket: oss.Ptr("media"), Key: oss.Ptr("in/vfr.mp4"), AsyncProcess: oss.Ptr(process),
	})
	require.NoError(t, err)
	v := e.requireSucceeded(t, rs.TaskId)
	require.Equal(t, []string{"oss://media/out/vfr-mixed.mp4"}, targetURIs(v))
	var sources []string
	for _, s := range v.Sources {
		sources = append(sources, s.URI)
	}
	require.Equal(t, uris("media", []string{"in/portrait.mp4", "in/odd.mp4", "in/vfr.mp4", "in/hevc10.mp4", "in/video_only.mp4", "in/sur1.aac"}), sources)

	out := filepath.Join(t.TempDir(), "mixed.mp4")
	_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("out/vfr-mixed.mp4")}, out)
	require.NoError(t, err)
	p := ffprobe(t, out)
	require.Len(t, p.Streams, 2)
	vi, ai := p.stream(t, "video"), p.stream(t, "audio")
	require.Equal(t, "h264", p.Streams[vi].CodecName)
	require.Equal(t, "aac", p.Streams[ai].CodecName)
	require.Equal(t, []int{180, 320}, []int{p.Streams[vi].Width, p.Streams[vi].Height}, "the portrait clip upright")
	require.InDelta(t, 25, rate(t, p.Streams[vi].AvgFrameRate), 0.05, "constant 25 fps despite the VFR clip")
	require.Equal(t, "48000", p.Streams[ai].SampleRate)
	require.Equal(t, 2, p.Streams[ai].Channels)
	require.InDelta(t, want, p.duration(t), 0.15, "sum of the clips")
	require.InDelta(t, p.streamDuration(t, vi), p.streamDuration(t, ai), 0.1)
	requireFaststart(t, out)

	// Upright: the portrait clip shows white over black.
	frame := filepath.Join(t.TempDir(), "frame.png")
	ffmpeg(t, "-ss", "1", "-i", out, "-frames:v", "1", frame)
	img, _ := decodeImage(t, frame)
	b := img.Bounds()
	top := meanLuma(img, image.Rect(0, 0, b.Dx(), b.Dy()/2-10))
	bottom := meanLuma(img, image.Rect(0, b.Dy()/2+10, b.Dx(), b.Dy()))
	require.Greater(t, top, 200.0, "top half white")
	require.Less(t, bottom, 40.0, "bottom half black")
}
