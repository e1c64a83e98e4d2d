package ffmpeg

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Two clips into MP4 H.264/AAC: lengths add up, streams stay level.
func TestConcatTwoClipsMP4(t *testing.T) {
	t.Parallel()
	store := ctNewStore(t, nil)
	out := ctOne(t, store, "pre.mov",
		"video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+ctB64("video_only.mp4")+ctSaveAs("out.mp4"))
	p := ctProbeFile(t, out)
	v, a := p.stream("video"), p.stream("audio")
	require.GreaterOrEqual(t, v, 0)
	require.GreaterOrEqual(t, a, 0)
	require.Equal(t, "h264", p.Streams[v].CodecName)
	require.Equal(t, "aac", p.Streams[a].CodecName)
	require.Equal(t, 320, p.Streams[v].Width)
	require.Equal(t, 240, p.Streams[v].Height)
	require.InDelta(t, 30, ctRate(p.Streams[v].AvgFrameRate), 0.01)
	require.InDelta(t, 5.0, p.duration(v), 0.1)
	require.InDelta(t, 5.0, p.duration(a), 0.1)
	n := ctDecode(t, out)
	require.InDelta(t, 150, n.Video, 1)
}
