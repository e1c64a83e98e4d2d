package concat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
)

// Trims count from the container start however the streams are offset
// (edit lists, a TS starting at 10 s, a late video track) and land on
// the right frame (engine/sprite checks its cells on the same clips).
func TestRobustTrims(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.TrimCases(t), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		t.Run("concat", func(t *testing.T) {
			t.Parallel()
			job := enginetest.Job(t, store, tc.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac,ss_500,t_400"+enginetest.SaveAs("out.mp4"))
			res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
			require.NoError(t, err)
			out := res.Outputs[0].Path
			p := enginetest.ProbeFile(t, out)
			v, a := p.Streams[p.Stream("video")].Index, p.Streams[p.Stream("audio")].Index
			require.InDelta(t, 0.4, p.FormatDuration(), 0.06)
			require.InDelta(t, enginetest.StreamDuration(p, v), enginetest.StreamDuration(p, a), 0.06, "audio and video lengths")
			enginetest.RequireFrame(t, enginetest.CLIFrame(t, out, 0, tc.W, tc.H), clip, 500*time.Millisecond, 0)
		})
	})
}

// Trims at the edges of awkward clips (enginetest.EachTrimEdge): the
// output plays the expected length with audio and video level, or the
// task fails with InvalidArgument naming the clip.
func TestRobustTrimEdges(t *testing.T) {
	t.Parallel()
	enginetest.EachTrimEdge(t, func(t *testing.T, e enginetest.TrimEdge, store enginetest.PathStore) {
		t.Run("concat", func(t *testing.T) {
			t.Parallel()
			res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}),
				enginetest.Job(t, store, e.Key, "video/concat,f_mp4,vcodec_h264,acodec_aac,"+e.Trim+enginetest.SaveAs("o.mp4")))
			if e.Concat == 0 {
				enginetest.RequireFailure(t, res, err, osserr.InvalidArgument, "clip 1", e.Key)
				return
			}
			require.NoError(t, err)
			p := enginetest.ProbeFile(t, res.Outputs[0].Path)
			v, a := p.Streams[p.Stream("video")].Index, p.Streams[p.Stream("audio")].Index
			require.InDelta(t, e.Concat, p.FormatDuration(), 0.05)
			require.InDelta(t, enginetest.StreamDuration(p, v), enginetest.StreamDuration(p, a), 0.05, "audio and video lengths")
		})
	})
}

// A file declaring a 16000×16000 picture with 4 KB of data fails cleanly
// even when the request asks for a small output, which gets past the size
// checks to decoding.
func TestRobustHugeDeclaredSmallOutput(t *testing.T) {
	t.Parallel()
	store := enginetest.PathStore{DirStore: enginetest.NewStore(t, map[string]string{"huge.y4m": enginetest.HugeY4M(t)})}
	t.Run("concat", func(t *testing.T) {
		t.Parallel()
		res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}),
			enginetest.Job(t, store, "huge.y4m", "video/concat,f_mp4,vcodec_h264,acodec_aac,s_64x64"+enginetest.SaveAs("o.mp4")))
		enginetest.RequireFailure(t, res, err, osserr.InvalidMedia, "clip 1", "huge.y4m")
	})
}
