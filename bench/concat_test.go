package bench

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The concat job of issue 15: two 30 s cuts of one 1080p30 clip (0–30 s
// and 60–90 s) joined into 1280×720 25 fps H.264 at 2 Mbps with a 150-frame
// GOP, plus AAC 128 kbps 48 kHz stereo.
const (
	concatSrcKey   = "src.mp4"
	concatOutKey   = "out/concat.mp4"
	concatSecondAt = 60 // s, start of the second cut
)

// concatProcess is the job as a user submits it (x-oss-async-process),
// with both cuts lasting secs seconds.
func concatProcess(secs int) string {
	t := strconv.Itoa(secs * 1000)
	return "video/concat,ss_0,t_" + t + ",f_mp4,vcodec_h264,fps_25,s_1280x720,vb_2000000,g_150," +
		"acodec_aac,ab_128000,ar_48000,ac_2" +
		"/sur,o_" + b64(concatSrcKey) + ",ss_" + strconv.Itoa(concatSecondAt*1000) + ",t_" + t +
		saveAs(concatOutKey)
}

// concatCLI is the identical job for the ffmpeg CLI with its default
// threading: both cuts as trimmed inputs, one filter_complex with each
// clip's chain as the engine builds it (fps first since it drops frames,
// bicubic scale, square pixels, yuv420p; audio resampled to 48 kHz stereo
// float planar), the concat filter, and the encoder options the engine uses
// for vb (x264 veryfast, constant bitrate: maxrate = minrate = vb, VBV
// buffer 2·vb, NAL HRD CBR filler), g_150, AAC, faststart.
func concatCLI(src string, secs int, out string) []string {
	t := strconv.Itoa(secs)
	var graph, joins strings.Builder
	for i := range 2 {
		fmt.Fprintf(&graph, "[%d:v]fps=fps=25,scale=1280:720:flags=bicubic,setsar=1,format=pix_fmts=yuv420p[v%d];", i, i)
		fmt.Fprintf(&graph, "[%d:a]aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a%d];", i, i)
		fmt.Fprintf(&joins, "[v%d][a%d]", i, i)
	}
	graph.WriteString(joins.String() + "concat=n=2:v=1:a=1[v][a]")
	return []string{"-hide_banner", "-loglevel", "error", "-y",
		"-ss", "0", "-t", t, "-i", src,
		"-ss", strconv.Itoa(concatSecondAt), "-t", t, "-i", src,
		"-filter_complex", graph.String(), "-map", "[v]", "-map", "[a]",
		"-c:v", "libx264", "-preset", "veryfast", "-b:v", "2000000", "-maxrate", "2000000", "-minrate", "2000000",
		"-bufsize", "4000000", "-x264-params", "nal-hrd=cbr", "-g", "150",
		"-c:a", "aac", "-b:a", "128000", "-ar", "48000", "-ac", "2",
		"-movflags", "+faststart", out}
}

// requireConcatOutput checks an output of the job: H.264 1280×720 25 fps
// and AAC 48 kHz stereo, as long as both cuts.
func requireConcatOutput(b *testing.B, path string, secs int) {
	b.Helper()
	p := probe(b, path)
	require.Len(b, p.Streams, 2, path)
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			require.Equal(b, "h264", s.CodecName)
			require.Equal(b, []int{1280, 720}, []int{s.Width, s.Height})
			require.Equal(b, "25/1", s.AvgFrameRate)
		case "audio":
			require.Equal(b, "aac", s.CodecName)
			require.Equal(b, "48000", s.SampleRate)
			require.Equal(b, 2, s.Channels)
		}
	}
	require.InDelta(b, float64(2*secs), p.duration(b), 0.2, path)
}

// concatEmulator runs the job once in a fresh emulator and checks the output.
func concatEmulator(b *testing.B, bin, data string, secs int) measure {
	return runTask(b, bin, data, concatSrcKey, concatProcess(secs), func(e *emulator, v taskView) {
		require.Equal(b, "oss://"+benchBucket+"/"+concatOutKey, v.Targets[0].URI)
		out := filepath.Join(b.TempDir(), "ossemu.mp4")
		download(b, e, concatOutKey, out)
		requireConcatOutput(b, out, secs)
	})
}

// BenchmarkConcatVsCLI runs issue 15's concat job through the real
// emulator (--workers 1, so the task may use every core) and through the
// ffmpeg CLI, alternating, and prints both sides' wall, CPU and peak RSS
// and the wall ratio (target ≤ 0.95).
func BenchmarkConcatVsCLI(b *testing.B) {
	const secs = 30
	src := sourceClip(b, 100)
	bin := buildEmulator(b)
	data := filepath.Join(b.TempDir(), "data")
	seedBucket(b, bin, data, map[string]string{concatSrcKey: src})
	cliOut := filepath.Join(b.TempDir(), "cli.mp4")
	n := runs(b)
	for b.Loop() {
		var ours, cli []measure
		for i := range n {
			alternately(i,
				func() { record(&ours, "ossemu", concatEmulator(b, bin, data, secs)) },
				func() { record(&cli, "ffmpeg", runCmd(b, "ffmpeg", concatCLI(src, secs, cliOut)...)) })
		}
		requireConcatOutput(b, cliOut, secs)
		compare(b, "concat 2×30 s of 1080p30 → 720p25 H.264 2 Mbps + AAC (target wall ratio ≤ 0.95)", "ossemu", "ffmpeg", ours, cli)
	}
}

// BenchmarkConcatRSSFlat runs the same job with 1-minute and 4-minute cuts
// (2 and 8 minutes of output) in fresh emulator processes and compares
// their peak RSS (target: within 5%, and ≤ 300 MB).
func BenchmarkConcatRSSFlat(b *testing.B) {
	src := sourceClip(b, 300)
	bin := buildEmulator(b)
	data := filepath.Join(b.TempDir(), "data")
	seedBucket(b, bin, data, map[string]string{concatSrcKey: src})
	n := runs(b)
	for b.Loop() {
		var short, long []measure
		for range n {
			record(&short, "2×60 s", concatEmulator(b, bin, data, 60))
			record(&long, "2×240 s", concatEmulator(b, bin, data, 240))
		}
		fmt.Printf("concat peak RSS, 2×60 s against 2×240 s cuts (%d runs each)\n", n)
		s, l := median(short, rssOf), median(long, rssOf)
		fmt.Printf("  median peak RSS 2×60 s %.0f MB, 2×240 s %.0f MB: 4-minute/1-minute %.3f (target ≤ 1.05, both ≤ 300 MB)\n", s, l, l/s)
		b.ReportMetric(s, "1min-MB")
		b.ReportMetric(l, "4min-MB")
		b.ReportMetric(l/s, "rss-ratio")
	}
}
