package libav

import (
	"fmt"
	"math/bits"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// dHash geometry: a 9×8 grayscale thumbnail gives 8 horizontal differences
// per row, 64 bits in all.
const (
	DHashW = 9
	DHashH = 8
)

// DHash is the difference hash of a 9×8 grayscale thumbnail (row-major,
// stride DHashW): bit y*8+x is set when pixel (x, y) is brighter than its
// right neighbour. It captures the image's coarse structure, so frames of
// one scene hash alike and a cut flips many bits.
func DHash(gray []byte) uint64 {
	var h uint64
	for y := 0; y < DHashH; y++ {
		row := gray[y*DHashW : (y+1)*DHashW]
		for x := 0; x < DHashW-1; x++ {
			if row[x] > row[x+1] {
				h |= 1 << (y*8 + x)
			}
		}
	}
	return h
}

// HashDistance is the Hamming distance between two hashes, 0–64.
func HashDistance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Thumbnailer makes the 9×8 grayscale thumbnails DHash needs, with an
// area-averaging software scaler (the cheapest faithful downscale). Its
// scaler is rebuilt when the frames change size or pixel format.
type Thumbnailer struct {
	w, h int
	pf   astiav.PixelFormat
	sws  *astiav.SoftwareScaleContext
	out  *astiav.Frame
	gray [DHashW * DHashH]byte
}

// NewThumbnailer returns a thumbnailer whose C memory c frees.
func NewThumbnailer(c *astikit.Closer) *Thumbnailer {
	t := &Thumbnailer{out: astiav.AllocFrame()}
	c.Add(t.out.Free)
	c.Add(t.freeScaler)
	return t
}

// Hash returns the dHash of f.
func (t *Thumbnailer) Hash(f *astiav.Frame) (uint64, error) {
	if t.sws == nil || f.Width() != t.w || f.Height() != t.h || f.PixelFormat() != t.pf {
		t.freeScaler()
		sws, err := astiav.CreateSoftwareScaleContext(f.Width(), f.Height(), f.PixelFormat(), DHashW, DHashH,
			astiav.PixelFormatGray8, astiav.NewSoftwareScaleContextFlags(astiav.SoftwareScaleContextFlagArea))
		if err != nil {
			return 0, fmt.Errorf("libav: creating thumbnail scaler: %w", err)
		}
		t.sws, t.w, t.h, t.pf = sws, f.Width(), f.Height(), f.PixelFormat()
	}
	t.out.Unref()
	if err := t.sws.ScaleFrame(f, t.out); err != nil {
		return 0, fmt.Errorf("libav: making thumbnail: %w", err)
	}
	pix, stride := Plane(t.out, 0)
	for y := 0; y < DHashH; y++ {
		copy(t.gray[y*DHashW:(y+1)*DHashW], pix[y*stride:])
	}
	return DHash(t.gray[:]), nil
}

func (t *Thumbnailer) freeScaler() {
	if t.sws != nil {
		t.sws.Free()
		t.sws = nil
	}
}
