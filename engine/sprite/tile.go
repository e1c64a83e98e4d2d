package sprite

import (
	"image"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// cellGeometry says how one upright source frame becomes one sprite cell:
// the frame is scaled to Scaled and drawn at Offset inside a Cell-sized box
// (a negative offset crops, a positive one leaves black bars).
type cellGeometry struct {
	Cell   image.Point
	Scaled image.Point
	Offset image.Point
}

// cellLayout resolves sw/sh/psw/psh and scaletype against the upright
// display size of the source (src). A side is "given" when sw/sh is set or
// its percentage is not the default 100; when only one side is given the
// other follows the source's aspect ratio; when neither is, the box is the
// source size.
func cellLayout(p *parser.Sprite, src image.Point) cellGeometry {
	box := image.Point{X: src.X, Y: src.Y}
	wGiven := p.Width > 0 || p.WidthPct != 100
	hGiven := p.Height > 0 || p.HeightPct != 100
	if p.Width > 0 {
		box.X = p.Width
	} else {
		box.X = scaleSide(src.X, p.WidthPct, 100)
	}
	if p.Height > 0 {
		box.Y = p.Height
	} else {
		box.Y = scaleSide(src.Y, p.HeightPct, 100)
	}
	switch {
	case wGiven && !hGiven:
		box.Y = scaleSide(src.Y, box.X, src.X)
	case hGiven && !wGiven:
		box.X = scaleSide(src.X, box.Y, src.Y)
	}

	g := cellGeometry{Cell: box, Scaled: box}
	switch p.ScaleType {
	case parser.Crop, parser.Fill, parser.Fit:
		// Cover (crop) or contain (fill, fit) the box, keeping the aspect
		// ratio; compare cross products to pick the limiting side exactly.
		widthLimits := int64(box.X)*int64(src.Y) <= int64(box.Y)*int64(src.X)
		if p.ScaleType == parser.Crop {
			widthLimits = !widthLimits
		}
		if widthLimits {
			g.Scaled = image.Point{X: box.X, Y: scaleSide(src.Y, box.X, src.X)}
		} else {
			g.Scaled = image.Point{X: scaleSide(src.X, box.Y, src.Y), Y: box.Y}
		}
		if p.ScaleType == parser.Fit {
			g.Cell = g.Scaled
		} else {
			g.Offset = box.Sub(g.Scaled).Div(2)
		}
	}
	return g
}

// scaleSide returns round(v·num/den), at least 1.
func scaleSide(v, num, den int) int {
	r := int((int64(v)*int64(num)*2 + int64(den)) / (2 * int64(den)))
	return max(r, 1)
}

// sheetSize is the full grid size of every sheet of the task (a last,
// partial sheet keeps its empty cells). Sheets over MaxSpriteSide on either
// side are refused before anything is decoded.
func sheetSize(p *parser.Sprite, cell image.Point) (image.Point, error) {
	s := image.Point{
		X: parser.SheetSide(p.Columns, cell.X, p.Pad, p.Margin),
		Y: parser.SheetSide(p.Rows, cell.Y, p.Pad, p.Margin),
	}
	if s.X > parser.MaxSpriteSide || s.Y > parser.MaxSpriteSide {
		return s, osserr.New(osserr.InvalidArgument,
			"video/sprite: sheet %dx%d (tw %d × th %d cells of %dx%d, pad %d, margin %d) exceeds %dx%d",
			s.X, s.Y, p.Columns, p.Rows, cell.X, cell.Y, p.Pad, p.Margin, parser.MaxSpriteSide, parser.MaxSpriteSide)
	}
	return s, nil
}

// sheet is one sprite sheet being filled in row-major order.
type sheet struct {
	img   *image.RGBA
	p     *parser.Sprite
	g     cellGeometry
	cells int
	index []engine.Cell // each cell's box and source time, in order
}

// newSheet allocates an opaque black sheet.
func newSheet(p *parser.Sprite, g cellGeometry, size image.Point) *sheet {
	img := image.NewRGBA(image.Rectangle{Max: size})
	// Opaque black: one pixel, then doubling copies (memmove speed; a
	// per-pixel loop over a multi-megapixel sheet showed in profiles).
	if len(img.Pix) >= 4 {
		img.Pix[3] = 0xff
		for n := 4; n < len(img.Pix); n *= 2 {
			copy(img.Pix[n:], img.Pix[:n])
		}
	}
	return &sheet{img: img, p: p, g: g}
}

// full reports whether every cell is used.
func (s *sheet) full() bool { return s.cells == s.p.Columns*s.p.Rows }

// cellRect is the sheet area of cell i.
func (s *sheet) cellRect(i int) image.Rectangle {
	col, row := i%s.p.Columns, i/s.p.Columns
	min := image.Point{
		X: s.p.Margin + col*(s.g.Cell.X+s.p.Pad),
		Y: s.p.Margin + row*(s.g.Cell.Y+s.p.Pad),
	}
	return image.Rectangle{Min: min, Max: min.Add(s.g.Cell)}
}

// addAt returns add for the frame captured at t, recording the cell's box
// and time in the sheet's index.
func (s *sheet) addAt(t time.Duration) func(pix []byte, stride int) {
	return func(pix []byte, stride int) {
		r := s.cellRect(s.cells)
		s.index = append(s.index, engine.Cell{Time: t, X: r.Min.X, Y: r.Min.Y, W: r.Dx(), H: r.Dy()})
		s.add(pix, stride)
	}
}

// layout is the sheet's size and cell index for its output.
func (s *sheet) layout() *engine.Sheet {
	size := s.img.Rect.Size()
	return &engine.Sheet{Width: size.X, Height: size.Y, Cells: s.index}
}

// add draws the next cell from a packed-or-strided RGBA frame of size
// g.Scaled, clipped to the cell (crop) or centred in it (fill).
func (s *sheet) add(pix []byte, stride int) {
	r := s.cellRect(s.cells)
	s.cells++
	dst := image.Rectangle{Min: r.Min.Add(s.g.Offset)}
	dst.Max = dst.Min.Add(s.g.Scaled)
	dst = dst.Intersect(r)
	src := dst.Min.Sub(r.Min.Add(s.g.Offset)) // top-left inside the scaled frame
	n := dst.Dx() * 4
	for y := 0; y < dst.Dy(); y++ {
		so := (src.Y+y)*stride + src.X*4
		do := s.img.PixOffset(dst.Min.X, dst.Min.Y+y)
		copy(s.img.Pix[do:do+n], pix[so:so+n])
	}
}
