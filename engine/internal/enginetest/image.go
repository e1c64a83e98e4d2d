package enginetest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // sheets and CLI frames are decoded by format
	_ "image/png"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/queue"
)

// DecodeImage decodes an output picture (a sprite sheet) and names its
// format.
func DecodeImage(t testing.TB, o queue.Output) (image.Image, string) {
	t.Helper()
	b, err := os.ReadFile(o.Path)
	require.NoError(t, err)
	img, format, err := image.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img, format
}

// CLIFrame extracts the frame at t with the ffmpeg CLI (input seeking is
// frame-accurate: the first frame at or after t), scaled to w×h.
func CLIFrame(t testing.TB, clip string, at time.Duration, w, h int) image.Image {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-ss", fmt.Sprintf("%.3f", at.Seconds()), "-i", clip,
		"-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d", w, h), "-f", "image2pipe", "-c:v", "png", "-")
	b, err := cmd.Output()
	require.NoError(t, err)
	img, _, err := image.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img
}

// DHashImage is the dHash of any Go image, by box-averaging its luma onto
// the 9×8 grid: the tests' reference for comparing cells with frames the
// ffmpeg CLI extracts.
func DHashImage(img image.Image) uint64 {
	b := img.Bounds()
	var sum, cnt [libav.DHashW * libav.DHashH]float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		gy := (y - b.Min.Y) * libav.DHashH / b.Dy()
		for x := b.Min.X; x < b.Max.X; x++ {
			gx := (x - b.Min.X) * libav.DHashW / b.Dx()
			l := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			sum[gy*libav.DHashW+gx] += float64(l)
			cnt[gy*libav.DHashW+gx]++
		}
	}
	var gray [libav.DHashW * libav.DHashH]byte
	for i := range gray {
		gray[i] = byte(sum[i] / max(cnt[i], 1))
	}
	return libav.DHash(gray[:])
}

// RequireFrame checks img is the CLI's frame of clip at want rather than
// the one at other (when those differ).
func RequireFrame(t testing.TB, img image.Image, clip string, want, other time.Duration) {
	t.Helper()
	b := img.Bounds()
	h := DHashImage(img)
	ref := DHashImage(CLIFrame(t, clip, want, b.Dx(), b.Dy()))
	alt := DHashImage(CLIFrame(t, clip, other, b.Dx(), b.Dy()))
	d := libav.HashDistance(h, ref)
	require.LessOrEqual(t, d, 8, "differs from the source frame at %v by %d bits", want, d)
	if alt != ref {
		require.Less(t, d, libav.HashDistance(h, alt), "looks more like the source frame at %v than at %v", other, want)
	}
}

// Level is the red level (0–255) of a pixel.
func Level(img image.Image, x, y int) int {
	r, _, _, _ := img.At(x, y).RGBA()
	return int(r >> 8)
}

// Black reports whether every pixel of r is black.
func Black(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r|g|b != 0 {
				return false
			}
		}
	}
	return true
}

// RSS is the process's resident set in KiB, after a full Go GC.
func RSS(t testing.TB) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, err := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
