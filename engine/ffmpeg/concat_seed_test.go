package ffmpeg

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// seedProcess is seed 000's worked example: pre.mov whole, then the
// request's example.mkv from 10 s to its end, then sur1.aac's first 10 s,
// into MP4 H.264 25 fps 1 Mbps + AAC 96 kbps 48 kHz stereo, aligned on
// clip 1 (the MKV).
func seedProcess(saveas string) string {
	return "video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1" +
		"/pre,o_" + ctB64("pre.mov") + "/sur,o_" + ctB64("sur1.aac") + ",t_10000" +
		"|sys/saveas,b_" + ctB64(ctBucket) + ",o_" + ctB64(saveas) + "/notify,topic_QXVkaW9Db252ZXJ0"
}

func TestConcatSeedExample(t *testing.T) {
	t.Parallel()
	store := ctNewStore(t, nil)
	res, err := ctRun(t, store, "example.mkv", seedProcess("out/{barename}.{autoext}"))
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	o := res.Outputs[0]
	require.Equal(t, ctBucket, o.Bucket)
	require.Equal(t, "out/example.mp4", o.Key)
	require.Equal(t, "video/mp4", o.ContentType)

	// The expected length is measured from the inputs themselves.
	pre := ctProbeFile(t, "../../testdata/videos/pre.mov").formatDuration()
	mkv := ctProbeFile(t, "../../testdata/videos/example.mkv").formatDuration() - 10
	aac := min(ctProbeFile(t, "../../testdata/videos/sur1.aac").formatDuration(), 10)
	want := pre + mkv + aac

	p := ctProbeFile(t, o.Path)
	v, a := p.stream("video"), p.stream("audio")
	require.Equal(t, "h264", p.Streams[v].CodecName)
	require.Equal(t, "aac", p.Streams[a].CodecName)
	require.InDelta(t, 25, ctRate(p.Streams[v].AvgFrameRate), 0.01)
	require.Equal(t, "48000", p.Streams[a].SampleRate)
	require.Equal(t, 2, p.Streams[a].Channels)
	require.Equal(t, 384, p.Streams[v].Width) // example.mkv's size (align_1)
	require.Equal(t, 216, p.Streams[v].Height)
	require.InDelta(t, want, p.formatDuration(), 0.1)
	require.InDelta(t, p.duration(v), p.duration(a), 0.1)
	require.InDelta(t, want, p.duration(v), 0.1)

	br, err := strconv.ParseFloat(p.Format.BitRate, 64)
	require.NoError(t, err)
	t.Logf("duration %.3f (want %.3f), bitrate %.0f", p.formatDuration(), want, br)
	require.InEpsilon(t, 1_096_000, br, 0.1)

	// Index first (faststart): "moov" comes before "mdat".
	requireMoovFirst(t, o.Path)
	n := ctDecode(t, o.Path)
	require.InDelta(t, want*25, n.Video, 2)
}
