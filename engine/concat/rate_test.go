package concat

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

func ctBitrate(t testing.TB, p enginetest.Probe, kind string) float64 {
	t.Helper()
	i := p.Stream(kind)
	require.GreaterOrEqual(t, i, 0)
	var bytes float64
	for _, k := range p.Packets {
		if k.StreamIndex == i {
			bytes += k.Size
		}
	}
	return bytes * 8 / p.Duration(i)
}

func ctSize(t testing.TB, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return st.Size()
}

// vb is met (constant bitrate); crf trades size for quality; crf with
// maxrate caps the rate.
func TestConcatRateControl(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	run := func(params string) enginetest.Probe {
		out := ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_h264,an_1,"+params+enginetest.SaveAs("x.mkv"))
		return enginetest.ProbeFile(t, out)
	}
	for _, vb := range []float64{300_000, 1_500_000} {
		got := ctBitrate(t, run("vb_"+strconv.Itoa(int(vb))), "video")
		require.InEpsilon(t, vb, got, 0.15, "vb %v", vb)
	}
	hi, lo := run("crf_18"), run("crf_40")
	require.Greater(t, ctBitrate(t, hi, "video"), 3*ctBitrate(t, lo, "video"))
	capped := ctBitrate(t, run("crf_18,maxrate_300000,bufsize_300000"), "video")
	// VBV bounds the average by maxrate plus one buffer over the clip's 3 s.
	require.Less(t, capped, (300_000+300_000/3)*1.05)
	require.Less(t, capped, ctBitrate(t, hi, "video")/2)

	// The same for x265 and VP9: vb reached, crf bigger at a lower value.
	for _, vc := range []string{"h265", "vp9"} {
		out := ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_"+vc+",an_1,vb_500000"+enginetest.SaveAs("x.mkv"))
		require.InEpsilon(t, 500_000, ctBitrate(t, enginetest.ProbeFile(t, out), "video"), 0.3, vc)
		a := ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_"+vc+",an_1,crf_20"+enginetest.SaveAs("x.mkv"))
		b := ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_"+vc+",an_1,crf_45"+enginetest.SaveAs("x.mkv"))
		require.Greater(t, ctSize(t, a), 2*ctSize(t, b), vc)
	}
}

// g sets the keyframe interval; fps changes the frame count.
func TestConcatGOPAndFPS(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	out := ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,g_10,fps_20"+enginetest.SaveAs("g.mp4"))
	p := enginetest.ProbeFile(t, out)
	keys, frames := 0, 0
	for _, k := range p.Packets {
		if k.StreamIndex == p.Stream("video") {
			frames++
			if strings.HasPrefix(k.Flags, "K") {
				keys++
			}
		}
	}
	require.Equal(t, 60, frames) // 3 s at 20 fps
	require.Equal(t, 6, keys)
}

// vn_1 and an_1 drop a stream; audio parameters are applied.
func TestConcatStreamsAndAudio(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	p := enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_mp4,vn_1,acodec_aac,ar_22050,ac_1,ab_64000"+enginetest.SaveAs("a.mp4")))
	require.Len(t, p.Streams, 1)
	require.Equal(t, "audio", p.Streams[0].CodecType)
	require.Equal(t, "22050", p.Streams[0].SampleRate)
	require.Equal(t, 1, p.Streams[0].Channels)
	require.InEpsilon(t, 64_000, ctBitrate(t, p, "audio"), 0.2)
	require.InDelta(t, 3.0, p.Duration(0), 0.05)

	p = enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,an_1"+enginetest.SaveAs("v.mp4")))
	require.Len(t, p.Streams, 1)
	require.Equal(t, "video", p.Streams[0].CodecType)

	// An audio-only output of a video-only clip is silence of its length.
	p = enginetest.ProbeFile(t, ctOne(t, store, "video_only.mp4", "video/concat,f_mp3,acodec_mp3"+enginetest.SaveAs("s.mp3")))
	require.InDelta(t, 2.0, p.FormatDuration(), 0.1)

	// adepth: FLAC at 24 bits, PCM s24.
	p = enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_flac,acodec_flac,adepth_24"+enginetest.SaveAs("a.flac")))
	require.Equal(t, 24, p.Streams[0].BitsPerSample)
	p = enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_h264,acodec_pcm,adepth_24"+enginetest.SaveAs("a.mkv")))
	require.Equal(t, "pcm_s24le", p.Streams[p.Stream("audio")].CodecName)

	// aq: a higher quality is a bigger file.
	lo := ctSize(t, ctOne(t, store, "sur1.aac", "video/concat,f_mp3,acodec_mp3,aq_10"+enginetest.SaveAs("l.mp3")))
	hi := ctSize(t, ctOne(t, store, "sur1.aac", "video/concat,f_mp3,acodec_mp3,aq_95"+enginetest.SaveAs("h.mp3")))
	require.Greater(t, hi, lo)
}

// fpsopt, sopt and arotate against the align clip (pre.mov: 320x240, 30 fps).
func TestConcatOptions(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	video := func(params string) enginetest.Probe {
		return enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,an_1,t_500,"+params+enginetest.SaveAs("o.mp4")))
	}
	fail := func(params string) {
		_, err := ctRun(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,an_1,t_500,"+params+enginetest.SaveAs("o.mp4"))
		require.True(t, osserr.Is(err, osserr.InvalidArgument), "%s: %v", params, err)
	}
	p := video("fps_60,fpsopt_1")
	require.InDelta(t, 30, enginetest.Rate(p.Streams[0].AvgFrameRate), 0.01)
	p = video("fps_60,fpsopt_0")
	require.InDelta(t, 60, enginetest.Rate(p.Streams[0].AvgFrameRate), 0.01)
	fail("fps_60,fpsopt_2")

	p = video("s_640x480,sopt_1")
	require.Equal(t, 320, p.Streams[0].Width)
	fail("s_640x480,sopt_2")
	p = video("s_640x")
	require.Equal(t, []int{640, 480}, []int{p.Streams[0].Width, p.Streams[0].Height})

	// arotate follows the align clip's orientation: a portrait align turns
	// 640x360 into 360x640.
	p = enginetest.ProbeFile(t, ctOne(t, store, "portrait.mp4", "video/concat,f_mp4,vcodec_h264,an_1,s_640x360,arotate_1"+enginetest.SaveAs("o.mp4")))
	require.Equal(t, []int{360, 640}, []int{p.Streams[0].Width, p.Streams[0].Height})

	p = video("pixfmt_yuv422p")
	require.Equal(t, "yuv422p", p.Streams[0].PixFmt)

	// MXF: a frame rate it cannot store is refused at submission, naming
	// both parameters.
	_, err := parser.Parse("video/concat,f_mxf,vcodec_h264,acodec_pcm,fps_15" + enginetest.SaveAs("o.mxf"))
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "%v", err)
	require.Contains(t, err.Error(), "parameters f and fps")
}

// An ab outside what libvorbis or libopus take at this rate and layout is
// brought into their range instead of failing the task.
func TestConcatAudioBitrateRange(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	for _, ac := range []string{"vorbis", "opus", "aac", "mp3", "ac3"} {
		for _, ab := range []string{"1000", "10000000"} {
			out := ctOne(t, store, "pre.mov", "video/concat,f_mkv,vn_1,t_500,acodec_"+ac+",ab_"+ab+enginetest.SaveAs("a.mkv"))
			require.InDelta(t, 0.5, ctDecode(t, out).AudioSeconds, 0.05, ac+" "+ab)
		}
	}
}

// MXF from a 15 fps, 44.1 kHz align clip: the rate snaps to the nearest
// broadcast rate and the audio becomes 48 kHz PCM, a file libav reads back.
func TestConcatMXFDefaults(t *testing.T) {
	t.Parallel()
	clip := ctMakeClip(t, "slow.mp4", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=15:d=1", "-f", "lavfi", "-i", "sine=r=44100:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac")
	store := enginetest.NewStore(t, map[string]string{"slow.mp4": clip})
	out := ctOne(t, store, "slow.mp4", "video/concat,f_mxf,vcodec_h264,acodec_pcm"+enginetest.SaveAs("m.mxf"))
	p := enginetest.ProbeFile(t, out)
	v, a := p.Stream("video"), p.Stream("audio")
	require.Equal(t, "24000/1001", p.Streams[v].RFrameRate)
	require.Equal(t, "48000", p.Streams[a].SampleRate)
	require.Equal(t, "pcm_s16le", p.Streams[a].CodecName)
	dec := ctDecode(t, out)
	require.InDelta(t, 1.0, dec.AudioSeconds, 0.05)
	require.InDelta(t, 24, dec.Video, 1)
}

// vbopt and abopt against the align clip's own bitrates.
func TestConcatBitrateOptions(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	srcVideo := ctBitrate(t, enginetest.ProbeFile(t, "../../testdata/videos/pre.mov"), "video")
	p := enginetest.ProbeFile(t, ctOne(t, store, "pre.mov", "video/concat,f_mkv,vcodec_h264,an_1,vb_50000000,vbopt_1"+enginetest.SaveAs("v.mkv")))
	require.InEpsilon(t, srcVideo, ctBitrate(t, p, "video"), 0.2)
	_, err := ctRun(t, store, "pre.mov", "video/concat,f_mkv,vcodec_h264,an_1,vb_50000000,vbopt_2"+enginetest.SaveAs("v.mkv"))
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "%v", err)
	require.Contains(t, err.Error(), "vbopt")

	// sur1.aac is about 67 kbps.
	p = enginetest.ProbeFile(t, ctOne(t, store, "sur1.aac", "video/concat,f_aac,acodec_aac,t_3000,ab_192000,abopt_1"+enginetest.SaveAs("a.aac")))
	require.InEpsilon(t, 67_000, ctBitrate(t, p, "audio"), 0.25)
	_, err = ctRun(t, store, "sur1.aac", "video/concat,f_aac,acodec_aac,ab_192000,abopt_2"+enginetest.SaveAs("a.aac"))
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "%v", err)
}
