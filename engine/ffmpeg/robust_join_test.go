package ffmpeg

import (
	"testing"

	"github.com/stretchr/testify/require"
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
		tc := rbCaseByKey(t, key)
		clip := tc.clip(t)
		extra[key] = clip
		d := tc.dur
		if d == 0 {
			d = rbDuration(t, clip)
		}
		want += d
		if i > 0 {
			process += "/sur,o_" + ctB64(key)
		}
	}
	store := ctPathStore{ctNewStore(t, extra)}
	res, err := rbRunTask(t, NewConcat(Config{VideoPreset: "ultrafast"}), rbJob(t, store, keys[0], process+ctSaveAs("all.mp4")))
	require.NoError(t, err)
	p := ctProbeFile(t, res.Outputs[0].Path)
	v, a := p.Streams[p.stream("video")], p.Streams[p.stream("audio")]
	require.Equal(t, [2]int{36, 64}, [2]int{v.Width, v.Height}, "the first clip's upright size")
	require.InDelta(t, want, p.formatDuration(), 0.1, "sum of the clips")
	require.InDelta(t, rbStreamDuration(p, v.Index), rbStreamDuration(p, a.Index), 0.1, "audio and video lengths")
	require.InDelta(t, 25, ctRate(v.AvgFrameRate), 0.1)
	require.Positive(t, ctDecode(t, res.Outputs[0].Path).Video)
}
