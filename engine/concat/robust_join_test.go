package concat

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// Eleven awkward clips (the most a request may name) in one join: each
// clip's length adds up, audio and video stay together to the end, and the
// picture takes the align clip's upright size.
func TestRobustJoinEleven(t *testing.T) {
	t.Parallel()
	keys := []string{"rot90.mp4", "hdr.mp4", "still.png", "dot.mp4", "vfr600.mov", "wrap.ts", "voice.mp3",
		"3c.mkv", "anim.gif", "divx.avi", "old.3gp"}
	extra := map[string]string{}
	want := 0.0
	process := "video/concat,f_mp4,vcodec_h264,acodec_aac,fps_25"
	for i, key := range keys {
		tc := enginetest.CaseByKey(t, key)
		clip := tc.Clip(t)
		extra[key] = clip
		d := tc.Dur
		if d == 0 {
			d = enginetest.FileDuration(t, clip)
		}
		want += d
		if i > 0 {
			process += "/sur,o_" + enginetest.B64(key)
		}
	}
	store := enginetest.PathStore{DirStore: enginetest.NewStore(t, extra)}
	res, err := enginetest.RunTask(t, New(engine.Config{VideoPreset: "ultrafast"}), enginetest.Job(t, store, keys[0], process+enginetest.SaveAs("all.mp4")))
	require.NoError(t, err)
	p := enginetest.ProbeFile(t, res.Outputs[0].Path)
	v, a := p.Streams[p.Stream("video")], p.Streams[p.Stream("audio")]
	require.Equal(t, [2]int{36, 64}, [2]int{v.Width, v.Height}, "the first clip's upright size")
	require.InDelta(t, want, p.FormatDuration(), 0.1, "sum of the clips")
	require.InDelta(t, enginetest.StreamDuration(p, v.Index), enginetest.StreamDuration(p, a.Index), 0.1, "audio and video lengths")
	require.InDelta(t, 25, enginetest.Rate(v.AvgFrameRate), 0.1)
	require.Positive(t, ctDecode(t, res.Outputs[0].Path).Video)
}
