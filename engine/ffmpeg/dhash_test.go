package ffmpeg

import (
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/require"
)

// dhashImage is the dHash of any Go image, by box-averaging its luma onto
// the 9×8 grid: the tests' reference for comparing cells with frames the
// ffmpeg CLI extracts.
func dhashImage(img image.Image) uint64 {
	b := img.Bounds()
	var sum, cnt [dhashW * dhashH]float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		gy := (y - b.Min.Y) * dhashH / b.Dy()
		for x := b.Min.X; x < b.Max.X; x++ {
			gx := (x - b.Min.X) * dhashW / b.Dx()
			l := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			sum[gy*dhashW+gx] += float64(l)
			cnt[gy*dhashW+gx]++
		}
	}
	var gray [dhashW * dhashH]byte
	for i := range gray {
		gray[i] = byte(sum[i] / max(cnt[i], 1))
	}
	return dhash(gray[:])
}

func TestDHashBits(t *testing.T) {
	t.Parallel()
	// A left-to-right falling ramp sets every bit, a rising one none.
	fall, rise := make([]byte, dhashW*dhashH), make([]byte, dhashW*dhashH)
	for y := 0; y < dhashH; y++ {
		for x := 0; x < dhashW; x++ {
			fall[y*dhashW+x] = byte(200 - 20*x)
			rise[y*dhashW+x] = byte(20 * x)
		}
	}
	require.Equal(t, ^uint64(0), dhash(fall))
	require.Equal(t, uint64(0), dhash(rise))
	require.Equal(t, 64, hashDistance(dhash(fall), dhash(rise)))
	fall[0], fall[1] = 0, 255 // flips bit 0 only
	require.Equal(t, 1, hashDistance(dhash(fall), ^uint64(0)))
}

func TestDHashLimit(t *testing.T) {
	t.Parallel()
	for thr, want := range map[int]int{0: 0, 1: 1, 10: 6, 25: 16, 50: 32, 100: 64} {
		require.Equal(t, want, dhashLimit(thr), "thr %d", thr)
	}
}
