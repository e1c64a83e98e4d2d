package parser

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The AMR, MXF and alpha rules, one passing and one failing case each; the
// whole table is checked against FFmpeg's measurements in compat_test.go.
func TestLimitRules(t *testing.T) {
	t.Parallel()
	ok := func(name, head string) ruleCase { return ruleCase{name: name, process: concatWith(head)} }
	bad := func(name, head string, frags ...string) ruleCase {
		return ruleCase{name: name, process: concatWith(head), code: invalidArg, frags: frags}
	}
	runRules(t, []ruleCase{
		ok("amr nb", "f_amr,acodec_amr,ar_8000,ac_1"),
		ok("amr wb", "f_amr,acodec_amr,ar_16000"),
		ok("amr defaults", "f_amr,acodec_amr"),
		bad("amr 44.1 kHz", "f_amr,acodec_amr,ar_44100", "parameter ar: value 44100", "allowed: 8000, 16000"),
		bad("amr 12 kHz", "f_amr,acodec_amr,ar_12000", "parameter ar: value 12000"),
		bad("amr stereo", "f_amr,acodec_amr,ac_2", "parameter ac: value 2 out of range [1, 1]", "amr"),
		bad("amr stereo in mkv", "f_mkv,vcodec_h264,acodec_amr,ac_2", "parameter ac: value 2"),
		ok("amr in mkv with h265", "f_mkv,vcodec_h265,acodec_amr"),
		ok("amr in mov", "f_mov,vcodec_h264,acodec_amr,ar_16000"),
		ok("amr in asf with vp9", "f_asf,vcodec_vp9,acodec_amr"),
		ok("amr in avi", "f_avi,vcodec_h265,acodec_amr"),
		ok("amr in mp4 with h264", "f_mp4,vcodec_h264,acodec_amr"),
		ok("amr in mp4 without video", "f_mp4,vn_1,acodec_amr"),
		bad("amr in mp4 with h265", "f_mp4,vcodec_h265,acodec_amr", "parameters vcodec and acodec", "h265"),
		bad("amr in mp4 with vp9", "f_mp4,vcodec_vp9,acodec_amr", "parameters vcodec and acodec", "vp9"),
		ok("amr in mp4 segments", "f_mkv,vcodec_h264,acodec_amr/segment,f_mp4,t_5000"),
		bad("amr in mp4 segments with h265", "f_mkv,vcodec_h265,acodec_amr/segment,f_mp4,t_5000", "parameters vcodec and acodec"),
		bad("amr in ts", "f_ts,vcodec_h264,acodec_amr", "parameter acodec: amr cannot be stored in container ts"),
		bad("amr in flv", "f_flv,vcodec_h264,acodec_amr", "acodec", "flv"),
		bad("amr in webm", "f_webm,vcodec_vp9,acodec_amr", "acodec", "webm"),
		bad("amr in mxf", "f_mxf,vcodec_h264,acodec_amr", "acodec", "mxf"),
		bad("amr in oga", "f_oga,acodec_amr", "acodec", "oga"),
		bad("aac in amr", "f_amr,acodec_aac", "parameter acodec: aac cannot be stored in container amr"),

		ok("mxf 25 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_25"),
		ok("mxf 29.97 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_29.97"),
		ok("mxf 119.88 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_119.88"),
		ok("mxf 75 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_75"),
		ok("mxf 89.91 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_89.91"),
		bad("mxf 15 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_15", "parameters f and fps", "mxf", "23.976, 24, 25, 29.97, 30, 47.952, 48", "got 15"),
		bad("mxf 29.98 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_29.98", "parameters f and fps", "got 29.98"),
		bad("mxf 240 fps", "f_mxf,vcodec_h264,acodec_pcm,fps_240", "parameters f and fps"),
		ok("mxf video only", "f_mxf,vcodec_h264,an_1"),
		bad("mxf without video", "f_mxf,vn_1,acodec_pcm", "parameters f and vn", "mxf needs a video stream"),
		ok("15 fps elsewhere", "f_mp4,vcodec_h264,acodec_aac,fps_15"),

		ok("h265 16x16", "f_mkv,vcodec_h265,acodec_aac,s_16x16"),
		ok("h264 2x2", "f_mkv,vcodec_h264,acodec_aac,s_2x2"),
		bad("h265 15x64", "f_mkv,vcodec_h265,acodec_aac,s_15x64", "parameters vcodec and s", "at least 16x16", "got 15x64"),
		bad("h265 8x", "f_mp4,vcodec_h265,acodec_aac,s_8x", "parameters vcodec and s", "got 8x"),
		ok("h265 x1080", "f_mp4,vcodec_h265,acodec_aac,s_x1080"),

		ok("opus 7 channels in mkv", "f_mkv,vcodec_h264,acodec_opus,ac_7"),
		ok("opus 8 channels in ts", "f_ts,vcodec_h264,acodec_opus,ac_8"),
		bad("opus 7 channels in ts", "f_ts,vcodec_h264,acodec_opus,ac_7", "parameter ac", "opus", "ts", "7 channels"),
		ok("aac 6 channels in flv", "f_flv,vcodec_h264,acodec_aac,ac_6"),

		ok("alpha in webm", "f_webm,vcodec_vp9,acodec_opus,pixfmt_yuva420p"),
		ok("alpha in mkv", "f_mkv,vcodec_vp9,acodec_opus,pixfmt_yuva420p"),
		bad("alpha in mp4", "f_mp4,vcodec_vp9,acodec_aac,pixfmt_yuva420p", "parameters f and pixfmt", "mp4", "alpha"),
		bad("alpha in mp4 segments", "f_mkv,vcodec_vp9,acodec_aac,pixfmt_yuva420p/segment,f_mp4,t_5000", "parameters f and pixfmt", "mp4"),
	})
}

// AudioLimits moves a rate or channel count taken from the align clip to
// the nearest one the codec takes, and keeps legal ones.
func TestAudioLimitsMoveDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f         Container
		c         AudioCodec
		rate, n   int
		wantRate  int
		wantChans int
	}{
		{AMR, AudioAMR, 44100, 2, 16000, 1},
		{MKV, AudioAMR, 11025, 6, 8000, 1},
		{MP4, AudioAMR, 12000, 1, 16000, 1}, // a tie goes to the higher rate
		{AMR, AudioAMR, 8000, 1, 8000, 1},
		{MKV, AudioMP3, 34000, 2, 32000, 2},
		{MKV, AudioOpus, 10000, 2, 12000, 2}, // a tie goes to the higher rate
		{MKV, AudioAC3, 22050, 8, 32000, 6},
		{Opus, AudioOpus, 44100, 8, 48000, 8},
		{MP3, AudioMP3, 96000, 6, 48000, 2},
		{FLV, AudioMP3, 16000, 2, 11025, 2},
		{MXF, AudioPCM, 44100, 8, 48000, 8},
		{MKV, AudioFLAC, 88200, 8, 88200, 8},
		{MKV, AudioFLAC, 192000, 2, 192000, 2},
		{MP4, AudioAAC, 192000, 2, 96000, 2}, // a clip's rate outside the documented list
		{MP4, AudioAAC, 37800, 2, 32000, 2},
		{TS, AudioOpus, 48000, 7, 48000, 6},
		{MKV, AudioOpus, 48000, 7, 48000, 7},
	} {
		l := AudioLimitsOf(tc.f, tc.c)
		require.Equal(t, tc.wantRate, l.SampleRate(tc.rate), "%s in %s at %d", tc.c, tc.f, tc.rate)
		require.Equal(t, tc.wantChans, l.Channels(tc.n), "%s in %s with %d", tc.c, tc.f, tc.n)
	}
}

func TestFrameRates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fps      float64
		num, den int
	}{
		{29.97, 30000, 1001}, {23.976, 24000, 1001}, {59.94, 60000, 1001}, {119.88, 120000, 1001},
		{71.928, 72000, 1001}, {89.91, 90000, 1001}, {95.904, 96000, 1001},
		{25, 25, 1}, {0.5, 1, 2}, {12.5, 25, 2}, {33.333, 33333, 1000}, {29.98, 1499, 50},
	} {
		num, den := FrameRate(tc.fps)
		require.Equal(t, [2]int{tc.num, tc.den}, [2]int{num, den}, "%g", tc.fps)
	}
	require.Equal(t, 25.0, LegalFrameRate(MXF, 25))
	require.InDelta(t, 23.976, LegalFrameRate(MXF, 15), 0.001)
	require.InDelta(t, 29.97, LegalFrameRate(MXF, 29.5), 0.001)
	require.Equal(t, 120.0, LegalFrameRate(MXF, 240))
	require.Equal(t, 15.0, LegalFrameRate(MP4, 15))
}
