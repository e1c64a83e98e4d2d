package concat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
)

// ctGray returns the luma plane of the frame at sec, decoded by the ffmpeg
// CLI (outputs carry no rotation, so the CLI shows them as stored).
func ctGray(t testing.TB, path string, sec float64) (w, h int, y []byte) {
	t.Helper()
	p := enginetest.ProbeFile(t, path)
	v := p.Stream("video")
	require.GreaterOrEqual(t, v, 0)
	w, h = p.Streams[v].Width, p.Streams[v].Height
	y, err := exec.Command("ffmpeg", "-v", "error", "-ss", strconv.FormatFloat(sec, 'f', 3, 64), "-i", path,
		"-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-").Output()
	require.NoError(t, err)
	require.Len(t, y, w*h)
	return w, h, y
}

// ctMakeClip renders a clip with the ffmpeg CLI into a temp dir.
func ctMakeClip(t testing.TB, name string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("ffmpeg", append(append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...), out)...)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	return out
}

// A phone clip stored landscape with a 90° display matrix comes out
// upright: 180x320, white half on top.
func TestConcatRotation(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	out := ctOne(t, store, "portrait.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("r.mp4"))
	w, h, y := ctGray(t, out, 0.5)
	require.Equal(t, 180, w)
	require.Equal(t, 320, h)
	require.Greater(t, int(y[40*w+90]), 200, "top half is white")
	require.Less(t, int(y[280*w+90]), 50, "bottom half is black")

	// Joined after a landscape align clip with fill: pillarboxed, upright.
	out = ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,s_320x180,scaletype_fill/sur,o_"+enginetest.B64("portrait.mp4")+enginetest.SaveAs("r2.mp4"))
	w, h, y = ctGray(t, out, 3.5)
	require.Equal(t, 320, w)
	require.Equal(t, 180, h)
	require.Less(t, int(y[20*w+5]), 50, "left bar")
	require.Greater(t, int(y[20*w+160]), 200, "top of the upright picture")
	require.Less(t, int(y[160*w+160]), 50, "bottom of the upright picture")
}

// Each scale type, on a 4:3 clip whose top quarter is white, into 320x120.
func TestConcatScaleTypes(t *testing.T) {
	t.Parallel()
	clip := ctMakeClip(t, "band.mp4", "-f", "lavfi", "-i",
		"color=black:s=320x240:r=25:d=1,drawbox=x=0:y=0:w=320:h=60:color=white:t=fill",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	store := enginetest.NewStore(t, map[string]string{"band.mp4": clip})
	for _, tc := range []struct {
		scale            string
		width            int
		topLeft, topMid  bool // white?
		wantsBlackBottom bool
	}{
		{"stretch", 320, true, true, true},
		{"crop", 320, false, false, true}, // the middle rows only: the band is cut away
		{"fill", 320, false, true, true},  // pillarbox
		{"fit", 160, true, true, true},    // the output takes the clip's 4:3 inside 320x120
	} {
		t.Run(tc.scale, func(t *testing.T) {
			t.Parallel()
			out := ctOne(t, store, "band.mp4", "video/concat,f_mp4,vcodec_h264,an_1,s_320x120,scaletype_"+tc.scale+enginetest.SaveAs("s.mp4"))
			w, h, y := ctGray(t, out, 0.5)
			require.Equal(t, tc.width, w)
			require.Equal(t, 120, h)
			white := func(x, yy int) bool { return y[yy*w+x] > 200 }
			require.Equal(t, tc.topLeft, white(4, 5), "top left")
			require.Equal(t, tc.topMid, white(w/2, 5), "top middle")
			require.False(t, white(w/2, 110), "bottom middle")
		})
	}
}

// A variable-frame-rate clip becomes constant rate without changing its
// timing: 3 s stay 3 s, every frame lasts 1/fps.
func TestConcatVFR(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	out := ctOne(t, store, "vfr.mp4", "video/concat,f_mkv,vcodec_h264,acodec_aac,fps_25"+enginetest.SaveAs("v.mkv"))
	p := enginetest.ProbeFile(t, out)
	v, a := p.Stream("video"), p.Stream("audio")
	require.InDelta(t, 3.0, p.Duration(v), 0.1)
	require.InDelta(t, 3.0, p.Duration(a), 0.1)
	require.InDelta(t, 75, ctDecode(t, out).Video, 1)
	for _, k := range p.Packets {
		if k.StreamIndex == v {
			require.Equal(t, "0.040000", k.DurTime)
		}
	}
	// Without fps the output takes a common rate at or above the average.
	out = ctOne(t, store, "vfr.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac"+enginetest.SaveAs("v.mp4"))
	p = enginetest.ProbeFile(t, out)
	require.InDelta(t, 30, enginetest.Rate(p.Streams[p.Stream("video")].AvgFrameRate), 0.01)
	require.InDelta(t, 3.0, p.Duration(p.Stream("video")), 0.1)
}

// An odd-sized 4:4:4 clip: the output is the nearest even size below, in
// the clip's own pixel format.
func TestConcatOddSize(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	out := ctOne(t, store, "odd.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+enginetest.B64("pre.mov")+",t_500"+enginetest.SaveAs("o.mp4"))
	p := enginetest.ProbeFile(t, out)
	v := p.Stream("video")
	require.Equal(t, 320, p.Streams[v].Width)
	require.Equal(t, 240, p.Streams[v].Height)
	require.Equal(t, "yuv444p", p.Streams[v].PixFmt)
	require.InDelta(t, 2.5, p.Duration(v), 0.1)

	// And an explicit odd size is rounded the same way.
	out = ctOne(t, store, "pre.mov", "video/concat,f_mp4,vcodec_h264,acodec_aac,t_500,s_161x91"+enginetest.SaveAs("o2.mp4"))
	p = enginetest.ProbeFile(t, out)
	require.Equal(t, 160, p.Streams[p.Stream("video")].Width)
	require.Equal(t, 90, p.Streams[p.Stream("video")].Height)
}

// 10-bit HEVC with 5.1 audio as the align clip: the defaults follow it
// (10-bit, 6 channels) unless ac says otherwise, and 5.1 is downmixed.
func TestConcatTenBitSurround(t *testing.T) {
	t.Parallel()
	store := enginetest.NewStore(t, nil)
	out := ctOne(t, store, "hevc10.mp4", "video/concat,f_mkv,vcodec_h264,acodec_aac"+enginetest.SaveAs("h.mkv"))
	p := enginetest.ProbeFile(t, out)
	require.Equal(t, "yuv420p10le", p.Streams[p.Stream("video")].PixFmt)
	require.Equal(t, 6, p.Streams[p.Stream("audio")].Channels)

	out = ctOne(t, store, "hevc10.mp4", "video/concat,f_mp4,vcodec_h265,acodec_aac,ac_2,pixfmt_yuv420p"+enginetest.SaveAs("h.mp4"))
	p = enginetest.ProbeFile(t, out)
	require.Equal(t, "hevc", p.Streams[p.Stream("video")].CodecName)
	require.Equal(t, "yuv420p", p.Streams[p.Stream("video")].PixFmt)
	require.Equal(t, 2, p.Streams[p.Stream("audio")].Channels)
	require.InDelta(t, 2.0, p.Duration(p.Stream("audio")), 0.1)
}

// ctGrayFrames returns the mean luma of every frame of path.
func ctGrayFrames(t testing.TB, path string) []int {
	t.Helper()
	p := enginetest.ProbeFile(t, path)
	v := p.Stream("video")
	w, h := p.Streams[v].Width, p.Streams[v].Height
	raw, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-").Output()
	require.NoError(t, err)
	var means []int
	for off := 0; off+w*h <= len(raw); off += w * h {
		sum := 0
		for _, b := range raw[off : off+w*h] {
			sum += int(b)
		}
		means = append(means, sum/(w*h))
	}
	return means
}

// Trims are frame-accurate although the clip has a single keyframe: the
// clip is black for 1 s then white, and ss/t land on exact frames.
func TestConcatFrameAccurateTrim(t *testing.T) {
	t.Parallel()
	clip := ctMakeClip(t, "step.mp4", "-f", "lavfi", "-i", "color=black:s=64x64:r=25:d=2,drawbox=c=white:t=fill:enable='gte(t,1)'",
		"-f", "lavfi", "-i", "sine=d=2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "100", "-pix_fmt", "yuv420p", "-c:a", "aac")
	store := enginetest.NewStore(t, map[string]string{"step.mp4": clip})
	for _, tc := range []struct {
		trim  string
		white []bool
	}{
		{"ss_920,t_160", []bool{false, false, true, true}},
		{"ss_1000,t_80", []bool{true, true}},
		{"ss_400,t_120", []bool{false, false, false}},
	} {
		out := ctOne(t, store, "step.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac,crf_10,"+tc.trim+enginetest.SaveAs("t.mp4"))
		means := ctGrayFrames(t, out)
		require.Len(t, means, len(tc.white), tc.trim)
		for i, w := range tc.white {
			require.Equal(t, w, means[i] > 128, "%s frame %d mean %d", tc.trim, i, means[i])
		}
		p := enginetest.ProbeFile(t, out)
		require.InDelta(t, float64(len(tc.white))*0.04, p.Duration(p.Stream("audio")), 0.025, tc.trim)
	}
}

// A clip whose picture size and audio layout change midway (a WebRTC
// recording, a broadcast capture) is normalised on both sides of the change.
func TestConcatMidClipChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := ctMakeClip(t, "a.ts", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-f", "lavfi", "-i", "sine=r=48000:d=1",
		"-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
	b := ctMakeClip(t, "b.ts", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=1", "-f", "lavfi", "-i", "sine=r=44100:d=1",
		"-ac", "1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-output_ts_offset", "1")
	joined := filepath.Join(dir, "joined.ts")
	raw := append(ctReadFile(t, a), ctReadFile(t, b)...)
	require.NoError(t, os.WriteFile(joined, raw, 0o644))
	store := enginetest.NewStore(t, map[string]string{"joined.ts": joined})
	out := ctOne(t, store, "joined.ts", "video/concat,f_mp4,vcodec_h264,acodec_aac,s_320x240"+enginetest.SaveAs("j.mp4"))
	p := enginetest.ProbeFile(t, out)
	require.InDelta(t, 2.0, p.Duration(p.Stream("video")), 0.15)
	require.InDelta(t, 2.0, p.Duration(p.Stream("audio")), 0.15)
	dec := ctDecode(t, out)
	require.InDelta(t, 50, dec.Video, 3)
}
