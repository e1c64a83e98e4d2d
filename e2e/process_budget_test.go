package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// A few kilobytes of H.264 declaring 16000×16000 (256 megapixels, 384 MB
// a frame) are refused by the pixel budget with a clean InvalidMedia,
// and the process stays small: its peak resident set is measured by the
// kernel (getrusage of the child). Without the budget the same file costs
// hundreds of megabytes, which is what makes the check able to fail.
func TestProcessPixelBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small.h264")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast",
		"-pix_fmt", "yuv420p", "-frames:v", "3", small)
	b, err := os.ReadFile(small)
	require.NoError(t, err)
	huge, err := testutil.ResizeH264SPS(b, 16000, 16000)
	require.NoError(t, err)
	raw := filepath.Join(dir, "huge.h264")
	require.NoError(t, os.WriteFile(raw, huge, 0o644))
	mp4 := filepath.Join(dir, "huge.mp4")
	ffmpeg(t, "-ec", "0", "-i", raw, "-c", "copy", mp4) // -ec 0: the CLI's own probe stays quick
	smallMP4 := filepath.Join(dir, "small.mp4")
	ffmpeg(t, "-i", small, "-c", "copy", smallMP4)

	sprite := "video/sprite,f_jpg,sw_64,sh_64,num_1"
	base := runProcess(t, "--quiet", "-i", smallMP4, "-o", t.TempDir(), sprite)
	require.Equal(t, 0, base.code, base.stderr)
	t.Logf("baseline (64x48): peak RSS %d MB", base.maxRSSKB>>10)

	for _, tc := range []struct{ name, file, style, clip string }{
		{"sprite, size in the container", mp4, sprite, ""},
		{"sprite, size in the stream", raw, sprite, ""},
		{"concat, size in the container", mp4, "video/concat,f_mp4,vcodec_h264,acodec_aac", "clip 1 (local/huge.mp4): "},
	} {
		out := t.TempDir()
		r := runProcess(t, "--quiet", "-i", tc.file, "-o", out, tc.style)
		require.Equal(t, 1, r.code, r.stderr)
		require.Contains(t, r.stderr, "emulator process: InvalidMedia: "+tc.clip+"object local/"+filepath.Base(tc.file)+
			": the video picture is 16000x16000 (256,000,000 pixels), over the pixel budget of 36,000,000 pixels per picture (--max-input-pixels)\n", tc.name)
		requireEmptyDir(t, out)
		t.Logf("%s: peak RSS %d MB", tc.name, r.maxRSSKB>>10)
		require.Less(t, r.maxRSSKB-base.maxRSSKB, int64(150<<10), "%s: at most 150 MB above the baseline", tc.name)
	}

	r := runProcess(t, "--quiet", "--max-input-pixels", "100000000000", "-i", mp4, "-o", t.TempDir(), sprite)
	t.Logf("without the budget: exit %d, peak RSS %d MB", r.code, r.maxRSSKB>>10)
	require.Greater(t, r.maxRSSKB-base.maxRSSKB, int64(300<<10), "one 384 MB frame at least")
}
