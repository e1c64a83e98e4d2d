package concat

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// seedProcess is the worked example of OSS's video/concat documentation:
// pre.mov whole, then the request's example.mkv from 10 s to its end, then
// sur1.aac's first 10 s, into MP4 H.264 25 fps 1 Mbps + AAC 96 kbps 48 kHz stereo, aligned on
// clip 1 (the MKV).
func seedProcess(saveas string) string {
	return "video/concat,ss_10000,f_mp4,vcodec_h264,fps_25,vb_1000000,acodec_aac,ab_96000,ar_48000,ac_2,align_1" +
		"/pre,o_" + enginetest.B64("pre.mov") + "/sur,o_" + enginetest.B64("sur1.aac") + ",t_10000" +
		"|sys/saveas,b_" + enginetest.B64(enginetest.Bucket) + ",o_" + enginetest.B64(saveas) + "/notify,topic_QXVkaW9Db252ZXJ0"
}

func TestConcatSeedExample(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	res, err := ctRun(t, store, "example.mkv", seedProcess("out/{barename}.{autoext}"))
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	o := res.Outputs[0]
	require.Equal(t, enginetest.Bucket, o.Bucket)
	require.Equal(t, "out/example.mp4", o.Key)
	require.Equal(t, "video/mp4", o.ContentType)

	// The expected length is measured from the inputs themselves.
	pre := enginetest.ProbeFile(t, "../../testdata/videos/pre.mov").FormatDuration()
	mkv := enginetest.ProbeFile(t, "../../testdata/videos/example.mkv").FormatDuration() - 10
	aac := min(enginetest.ProbeFile(t, "../../testdata/videos/sur1.aac").FormatDuration(), 10)
	want := pre + mkv + aac

	p := enginetest.ProbeFile(t, o.Path)
	v, a := p.Stream("video"), p.Stream("audio")
	require.Equal(t, "h264", p.Streams[v].CodecName)
	require.Equal(t, "aac", p.Streams[a].CodecName)
	require.InDelta(t, 25, enginetest.Rate(p.Streams[v].AvgFrameRate), 0.01)
	require.Equal(t, "48000", p.Streams[a].SampleRate)
	require.Equal(t, 2, p.Streams[a].Channels)
	require.Equal(t, 384, p.Streams[v].Width) // example.mkv's size (align_1)
	require.Equal(t, 216, p.Streams[v].Height)
	require.InDelta(t, want, p.FormatDuration(), 0.1)
	require.InDelta(t, p.Duration(v), p.Duration(a), 0.1)
	require.InDelta(t, want, p.Duration(v), 0.1)

	br, err := strconv.ParseFloat(p.Format.BitRate, 64)
	require.NoError(t, err)
	t.Logf("duration %.3f (want %.3f), bitrate %.0f", p.FormatDuration(), want, br)
	require.InEpsilon(t, 1_096_000, br, 0.1)

	// Index first (faststart): "moov" comes before "mdat".
	requireMoovFirst(t, o.Path)
	n := ctDecode(t, o.Path)
	require.InDelta(t, want*25, n.Video, 2)
}
