package concat

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// /segment over clips whose clocks are awkward (a wrapping TS, late audio,
// VFR at timescale 600, a raw stream): ceil(length / t) pieces that each
// decode and together last as long as the clip.
func TestRobustSegments(t *testing.T) {
	t.Parallel()
	enginetest.EachCase(t, enginetest.ByKey(t, "wrap.ts", "latea.mp4", "vfr600.mov", "raw.h264"), func(t *testing.T, tc enginetest.Case, clip string, store enginetest.PathStore) {
		want := tc.Want(t, clip)
		for _, f := range []string{"ts", "mp4"} {
			t.Run(f, func(t *testing.T) {
				t.Parallel()
				job := enginetest.Job(t, store, tc.Key, "video/concat,f_"+f+",vcodec_h264,acodec_aac/segment,f_"+f+",t_500"+enginetest.SaveAs("seg/{index}."+f))
				res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), job)
				require.NoError(t, err)
				pieces := res.Outputs
				if f == "ts" {
					require.Equal(t, "application/vnd.apple.mpegurl", pieces[len(pieces)-1].ContentType)
					pieces = pieces[:len(pieces)-1]
				}
				require.Len(t, pieces, int(math.Ceil(want/0.5-0.01)), "pieces")
				total := 0.0
				for _, o := range pieces {
					p := enginetest.ProbeFile(t, o.Path)
					total += enginetest.StreamDuration(p, p.Streams[p.Stream("video")].Index)
					require.Positive(t, ctDecode(t, o.Path).Video, o.Key)
				}
				require.InDelta(t, want, total, 0.1, "pieces together")
			})
		}
	})
}
