package enginetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// The pixel budget's inputs: a few kilobytes of H.264 whose headers
// declare a 16000×16000 picture (the size of the 750 KB file that took
// gigabytes before the budget), made by rewriting the sequence parameter
// sets of a tiny encode instead of encoding 256 megapixels.

// smallH264 is a raw 64×48 H.264 stream of n frames, one GOP.
func smallH264(t testing.TB, n string) []byte {
	t.Helper()
	p := Clip(t, "budget-small-"+n+".h264", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-frames:v", n)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// HugeH264 is a raw H.264 stream of 3 frames declaring 16000×16000: its
// size is known only once its headers are parsed.
func HugeH264(t testing.TB) string {
	t.Helper()
	b, err := testutil.ResizeH264SPS(smallH264(t, "3"), 16000, 16000)
	require.NoError(t, err)
	return rbWrite(t, "huge.h264", b)
}

// HugeMP4 is HugeH264 in MP4, whose header declares the size up front.
func HugeMP4(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "huge.mp4")
	// -ec 0: no error concealment painting the 256 MP frame ffmpeg probes.
	b, err := exec.Command("ffmpeg", "-v", "error", "-ec", "0", "-i", HugeH264(t), "-c", "copy", out).CombinedOutput()
	require.NoError(t, err, string(b))
	return out
}

// GrowingH264 starts as 3 frames of 64×48 and goes on, after a new
// sequence parameter set, with 3 frames declaring 16000×16000: probing and
// the decoder's first frames see a small picture.
func GrowingH264(t testing.TB) string {
	t.Helper()
	huge, err := testutil.ResizeH264SPS(smallH264(t, "3"), 16000, 16000)
	require.NoError(t, err)
	return rbWrite(t, "growing.h264", append(smallH264(t, "3"), huge...))
}

// RequirePixelBudget runs process with p on each input over the pixel
// budget (declared by the container, by the stream, or after the first
// frames) and requires a clean InvalidMedia naming the object, its size
// and the default budget of 36 megapixels.
func RequirePixelBudget(t *testing.T, p queue.Processor, process string) {
	for _, tc := range []struct {
		key  string
		clip func(testing.TB) string
	}{
		{"huge.mp4", HugeMP4},
		{"huge.h264", HugeH264},
		{"growing.h264", GrowingH264},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			store := PathStore{DirStore: NewStore(t, map[string]string{tc.key: tc.clip(t)})}
			res, err := RunTask(t, p, Job(t, store, tc.key, process))
			RequireFailure(t, res, err, osserr.InvalidMedia, Bucket+"/"+tc.key, "16000x16000", "pixel budget of 36,000,000")
		})
	}
}
