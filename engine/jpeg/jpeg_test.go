package jpeg

import (
	"bytes"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// picture draws a w×h test picture: horizontal and vertical gradients
// with a sharp-edged block, opaque.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), 128, 255}
			if x > w/4 && x < w/2 && y > h/4 && y < h/2 {
				c = color.RGBA{250, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// meanError is the mean absolute difference per RGB channel between a
// picture and a decoded JPEG of it.
func meanError(t *testing.T, want *image.RGBA, got image.Image) float64 {
	t.Helper()
	require.Equal(t, want.Rect.Size(), got.Bounds().Size())
	var sum, n float64
	for y := range want.Rect.Dy() {
		for x := range want.Rect.Dx() {
			w := want.RGBAAt(want.Rect.Min.X+x, want.Rect.Min.Y+y)
			r, g, b, _ := got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y).RGBA()
			for i, v := range []uint32{r >> 8, g >> 8, b >> 8} {
				sum += abs(float64(v) - float64([]uint8{w.R, w.G, w.B}[i]))
				n++
			}
		}
	}
	return sum / n
}

func abs(v float64) float64 { return max(v, -v) }

// Pictures of every shape decode to the same size and pixels as close to
// the original as image/jpeg's at the same quality, in about as many bytes.
func TestWriteFileMatchesImageJPEG(t *testing.T) {
	t.Parallel()
	sub := picture(300, 200).SubImage(image.Rect(37, 21, 237, 171)).(*image.RGBA)
	for _, c := range []struct {
		name    string
		img     *image.RGBA
		quality int
	}{
		{"sheet 1942x1102 q90", picture(1942, 1102), 90},
		{"1x1", picture(1, 1), 90},
		{"odd 17x9", picture(17, 9), 90},
		{"sub-image at an offset", sub, 90},
		{"q30", picture(320, 240), 30},
		{"q100", picture(320, 240), 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "x.jpg")
			require.NoError(t, WriteFile(path, c.img, c.quality))
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			got, err := stdjpeg.Decode(bytes.NewReader(data))
			require.NoError(t, err)

			var ref bytes.Buffer
			require.NoError(t, stdjpeg.Encode(&ref, c.img, &stdjpeg.Options{Quality: c.quality}))
			refLen := ref.Len()
			want, err := stdjpeg.Decode(&ref)
			require.NoError(t, err)

			ours, theirs := meanError(t, c.img, got), meanError(t, c.img, want)
			require.LessOrEqual(t, ours, theirs*1.1+0.5, "mean error %.2f, image/jpeg's %.2f", ours, theirs)
			if c.img.Rect.Dx() >= 64 {
				require.InEpsilon(t, refLen, len(data), 0.15, "bytes: ours %d, image/jpeg %d", len(data), refLen)
			}
		})
	}
}

// Impossible pictures and unwritable paths are errors that leave no file.
func TestWriteFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		path string
		img  *image.RGBA
		want string
	}{
		{"empty picture", filepath.Join(dir, "a.jpg"), image.NewRGBA(image.Rect(0, 0, 0, 5)), "cannot encode a 0x5 picture"},
		{"too wide for JPEG", filepath.Join(dir, "b.jpg"), &image.RGBA{Rect: image.Rect(0, 0, 70000, 1), Stride: 4 * 70000}, "cannot encode a 70000x1 picture"},
		{"missing directory", filepath.Join(dir, "no", "c.jpg"), picture(8, 8), "no such file or directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := WriteFile(c.path, c.img, 90)
			require.ErrorContains(t, err, c.want)
			require.NoFileExists(t, c.path)
		})
	}
}

func BenchmarkWriteFile(b *testing.B) {
	img := picture(1942, 1102)
	path := filepath.Join(b.TempDir(), "x.jpg")
	b.Run("libjpeg-turbo", func(b *testing.B) {
		for b.Loop() {
			require.NoError(b, WriteFile(path, img, 90))
		}
	})
	b.Run("image/jpeg", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Create(path)
			require.NoError(b, err)
			require.NoError(b, stdjpeg.Encode(f, img, &stdjpeg.Options{Quality: 90}))
			require.NoError(b, f.Close())
		}
	})
}
