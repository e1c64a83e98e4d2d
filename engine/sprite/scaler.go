package sprite

import (
	"fmt"
	"image"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
)

// cellScaler turns decoded frames into upright RGBA images of the cell's
// scaled size with a libavfilter graph: scale (which reads each frame's
// colour range and matrix, so limited-range video becomes full-range RGB)
// then, for rotated sources, transpose/flip on the small image.
type cellScaler struct {
	size     image.Point // upright output size
	rotation int         // clockwise degrees
	chain    *libav.Chain
}

// newCellScaler scales frames of time base tb; c frees its graph.
func newCellScaler(size image.Point, rotation int, tb astiav.Rational, c *astikit.Closer) *cellScaler {
	s := &cellScaler{size: size, rotation: rotation, chain: libav.NewChain(false, tb, 1)}
	c.Add(s.chain.Close)
	return s
}

// filters is the graph description between the buffer source and sink.
func (s *cellScaler) filters(*astiav.Frame, bool) string {
	w, h := s.size.X, s.size.Y
	turn := ""
	switch s.rotation {
	case 90:
		w, h, turn = h, w, ",transpose=clock"
	case 180:
		turn = ",hflip,vflip"
	case 270:
		w, h, turn = h, w, ",transpose=cclock"
	}
	return fmt.Sprintf("scale=%d:%d:flags=bicubic,format=rgba%s", w, h, turn)
}

// scale converts f and calls use with the RGBA pixels (valid only during
// the call) and their line size.
func (s *cellScaler) scale(f *astiav.Frame, use func(pix []byte, stride int)) error {
	return s.chain.Push(f, s.filters, func(out *astiav.Frame) error {
		if out.Width() != s.size.X || out.Height() != s.size.Y {
			return fmt.Errorf("sprite: filter produced %dx%d, want %dx%d", out.Width(), out.Height(), s.size.X, s.size.Y)
		}
		use(libav.Plane(out, 0))
		return nil
	})
}
