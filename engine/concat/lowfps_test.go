package concat

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Clips shorter than one output frame period keep the video track the
// request asks for: one frame (fps rounds such a clip to none, which would
// silently drop the track), a picture of the clip or black when no clip has
// pictures, with the audio at the clips' own length.
func TestConcatShorterThanOneFrame(t *testing.T) {
	t.Parallel()
	tone := ctMakeClip(t, "tone.m4a", "-f", "lavfi", "-i", "sine=d=0.4", "-c:a", "aac")
	store := enginetest.NewStore(t, map[string]string{"tone.m4a": tone})
	pre := "/pre,o_" + enginetest.B64("pre.mov") + ",t_400"
	for _, c := range []struct {
		name, object string
		process      string
		frames       int
		audio        float64
	}{
		{"fps_0.5 of 0.5 s", "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,fps_0.5,t_500", 1, 0.5},
		{"fps_1 of 0.3 s", "pre.mov", "video/concat,f_mkv,vcodec_vp9,acodec_opus,fps_1,t_300", 1, 0.3},
		{"two clips under one period", "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,fps_0.5,t_500" + pre, 1, 0.9},
		{"no pictures, under half a period (black)", "tone.m4a", "video/concat,f_mp4,vcodec_h264,acodec_aac,fps_0.5", 1, 0.4},
		{"fps_1 of 1.5 s as before", "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,fps_1,t_1500", 2, 1.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := ctOne(t, store, c.object, c.process+enginetest.SaveAs("o"))
			d := ctDecode(t, out)
			require.Equal(t, c.frames, d.Video, "video frames")
			require.InDelta(t, c.audio, d.AudioSeconds, 0.1, "audio seconds")
		})
	}
}
