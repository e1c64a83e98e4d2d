package testutil_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// A rewritten stream declares the new size to libav, and rewriting it to
// its own size changes nothing a decoder sees.
func TestResizeH264SPS(t *testing.T) {
	t.Parallel()
	ffmpeg := testutil.RequireCommand(t, "ffmpeg")
	ffprobe := testutil.RequireCommand(t, "ffprobe")
	dir := t.TempDir()
	src := filepath.Join(dir, "small.h264")
	out, err := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-frames:v", "3", src).CombinedOutput()
	require.NoError(t, err, string(out))
	stream, err := os.ReadFile(src)
	require.NoError(t, err)

	probe := func(b []byte) string {
		p := filepath.Join(dir, "p.h264")
		require.NoError(t, os.WriteFile(p, b, 0o644))
		out, err := exec.Command(ffprobe, "-v", "quiet", "-show_entries", "stream=width,height", "-of", "csv=p=0", p).Output()
		require.NoError(t, err)
		return strings.TrimSpace(string(out))
	}
	frames := func(b []byte) string {
		p := filepath.Join(dir, "f.h264")
		require.NoError(t, os.WriteFile(p, b, 0o644))
		out, err := exec.Command(ffmpeg, "-v", "error", "-i", p, "-f", "framemd5", "-").Output()
		require.NoError(t, err)
		return string(out)
	}

	huge, err := testutil.ResizeH264SPS(stream, 16000, 16000)
	require.NoError(t, err)
	require.Equal(t, "16000,16000", probe(huge))
	require.Less(t, len(huge), 8<<10, "a few kilobytes declaring 256 megapixels")

	same, err := testutil.ResizeH264SPS(stream, 64, 48)
	require.NoError(t, err)
	require.Equal(t, "64,48", probe(same))
	require.Equal(t, frames(stream), frames(same))

	_, err = testutil.ResizeH264SPS(stream, 100, 48)
	require.ErrorContains(t, err, "multiple of 16")
	_, err = testutil.ResizeH264SPS([]byte("not h264"), 16, 16)
	require.Error(t, err)
}
