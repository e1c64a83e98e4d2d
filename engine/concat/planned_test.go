package concat

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// ctPlan parses process and plans it on object.
func ctPlan(t *testing.T, object, process string) (*Planned, *parser.Concat, error) {
	t.Helper()
	pl, err := parser.Parse(process)
	require.NoError(t, err, process)
	task := engine.Task{Storage: enginetest.NewStore(t, nil), Bucket: enginetest.Bucket, Object: object}
	p, err := New(engine.Config{}).Plan(context.Background(), pl.Concat, task)
	return p, pl.Concat, err
}

func TestPlanFillsDefaultsFromTheAlignClip(t *testing.T) {
	t.Parallel()
	p, spec, err := ctPlan(t, "example.mkv",
		"video/concat,ss_0,t_4000,f_mp4,vcodec_h264,acodec_aac,align_0/pre,o_"+enginetest.B64("pre.mov")+enginetest.SaveAs("o.mp4"))
	require.NoError(t, err)
	require.Equal(t, "mp4", p.Format)
	require.InDelta(t, 7, p.Duration.Seconds(), 0.05, "3 s of pre.mov + 4 s of example.mkv")
	require.Equal(t, PlannedVideo{Codec: "h264", Width: 320, Height: 240, FPS: 30, PixFmt: "yuv420p",
		Bitrate: defaultVideoBitrate(320, 240, 30), GOP: spec.Video.GOP, ScaleType: "stretch", From: 0}, *p.Video)
	require.Equal(t, 0, p.Audio.From)
	require.Equal(t, 48000, p.Audio.SampleRate, "pre.mov's rate")

	p, _, err = ctPlan(t, "example.mkv",
		"video/concat,f_mp4,vcodec_h264,acodec_aac,align_1,s_640x/pre,o_"+enginetest.B64("pre.mov")+enginetest.SaveAs("o.mp4"))
	require.NoError(t, err)
	require.Equal(t, [3]int{640, 360, 24}, [3]int{p.Video.Width, p.Video.Height, int(p.Video.FPS)}, "example.mkv's 16:9 and 24 fps")
	require.Equal(t, 1, p.Video.From)

	p, _, err = ctPlan(t, "sur1.aac", "video/concat,f_mp3,vn_1,acodec_mp3"+enginetest.SaveAs("o.mp3"))
	require.NoError(t, err)
	require.Nil(t, p.Video)
	require.Equal(t, "mp3", p.Audio.Codec)
	require.Equal(t, [2]int{44100, 1}, [2]int{p.Audio.SampleRate, p.Audio.Channels}, "sur1.aac's rate and mono")
}

// Plan fails as the run would, before anything is encoded.
func TestPlanFailsAsTheRun(t *testing.T) {
	t.Parallel()
	_, _, err := ctPlan(t, "example.mkv", "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_"+enginetest.B64("missing.mov")+enginetest.SaveAs("o.mp4"))
	require.True(t, osserr.Is(err, osserr.NoSuchKey), "%v", err)
	require.ErrorContains(t, err, "clip 1 (media/missing.mov)")
	_, _, err = ctPlan(t, "truncated.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("o.mp4"))
	require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
}
