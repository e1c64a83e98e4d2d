package concat

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// AMR through engine/amr in every container that takes it: f_amr (NB and
// WB), and amr beside each video codec the container holds, from pre.mov
// (3 s, 48 kHz stereo PCM) and example.mkv cut to 1 s. Each output decodes
// with FFmpeg's own AMR decoders: codec, rate, one channel, 4 s long.
func TestConcatAMR(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, tc := range []struct {
		head, ext, codec string
		rate             int
		video            string // ffprobe codec name; "" for none
	}{
		{"f_amr,acodec_amr,ar_8000", "amr", "amr_nb", 8000, ""},
		{"f_amr,acodec_amr", "amr", "amr_wb", 16000, ""}, // 48 kHz align clip: the nearest AMR rate
		{"f_amr,acodec_amr,ar_16000,ab_6600", "amr", "amr_wb", 16000, ""},
		{"f_mp4,vcodec_h264,acodec_amr,ar_8000", "mp4", "amr_nb", 8000, "h264"},
		{"f_mp4,vn_1,acodec_amr", "mp4", "amr_wb", 16000, ""},
		{"f_mkv,vcodec_h265,acodec_amr,ar_8000", "mkv", "amr_nb", 8000, "hevc"},
		{"f_mkv,vcodec_vp9,acodec_amr", "mkv", "amr_wb", 16000, "vp9"},
		{"f_mov,vcodec_h264,acodec_amr", "mov", "amr_wb", 16000, "h264"},
		{"f_asf,vcodec_vp9,acodec_amr,ar_8000", "asf", "amr_nb", 8000, "vp9"},
		{"f_avi,vcodec_h265,acodec_amr", "avi", "amr_wb", 16000, "hevc"},
	} {
		t.Run(tc.head, func(t *testing.T) {
			t.Parallel()
			out := ctOne(t, store, "pre.mov", "video/concat,s_160x120,"+tc.head+
				"/sur,o_"+enginetest.B64("example.mkv")+",t_1000"+enginetest.SaveAs("o."+tc.ext))
			p := enginetest.ProbeFile(t, out)
			a := p.Stream("audio")
			require.GreaterOrEqual(t, a, 0)
			require.Equal(t, tc.codec, p.Streams[a].CodecName)
			require.Equal(t, strconv.Itoa(tc.rate), p.Streams[a].SampleRate)
			require.Equal(t, 1, p.Streams[a].Channels)
			dec := ctDecode(t, out)
			require.InDelta(t, 4.0, dec.AudioSeconds, 0.1)
			if tc.video == "" {
				require.Equal(t, -1, p.Stream("video"))
				return
			}
			require.Equal(t, tc.video, p.Streams[p.Stream("video")].CodecName)
			require.InDelta(t, 120, dec.Video, 1) // 4 s at pre.mov's 30 fps
		})
	}
}

// /segment,f_mp4 with AMR: every piece is a 3GPP-mode MP4 with AMR-NB that
// decodes, and together they hold the 4 s.
func TestConcatAMRSegments(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	res, err := ctRun(t, store, "pre.mov", "video/concat,s_160x120,f_mp4,vcodec_h264,acodec_amr,ar_8000"+
		"/sur,o_"+enginetest.B64("example.mkv")+",t_1000/segment,f_mp4,t_2000"+enginetest.SaveAs("seg/{index}.mp4"))
	require.NoError(t, err)
	require.Len(t, res.Outputs, 2)
	total := 0.0
	for _, o := range res.Outputs {
		p := enginetest.ProbeFile(t, o.Path)
		a := p.Stream("audio")
		require.GreaterOrEqual(t, a, 0, o.Key)
		require.Equal(t, "amr_nb", p.Streams[a].CodecName)
		require.Equal(t, 1, p.Streams[a].Channels)
		total += ctDecode(t, o.Path).AudioSeconds
	}
	require.InDelta(t, 4.0, total, 0.1)
}
