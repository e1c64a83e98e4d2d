package sprite

import (
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

func TestCellLayout(t *testing.T) {
	t.Parallel()
	src := image.Pt(320, 240)
	sp := func(w, h, pw, ph int, st parser.ScaleType) *parser.Sprite {
		return &parser.Sprite{Width: w, Height: h, WidthPct: pw, HeightPct: ph, ScaleType: st}
	}
	for name, tc := range map[string]struct {
		p    *parser.Sprite
		want cellGeometry
	}{
		"source size":      {sp(0, 0, 100, 100, parser.Stretch), cellGeometry{Cell: src, Scaled: src}},
		"sw keeps aspect":  {sp(200, 0, 100, 100, parser.Stretch), cellGeometry{Cell: image.Pt(200, 150), Scaled: image.Pt(200, 150)}},
		"sh keeps aspect":  {sp(0, 60, 100, 100, parser.Stretch), cellGeometry{Cell: image.Pt(80, 60), Scaled: image.Pt(80, 60)}},
		"psw keeps aspect": {sp(0, 0, 50, 100, parser.Stretch), cellGeometry{Cell: image.Pt(160, 120), Scaled: image.Pt(160, 120)}},
		"psw and psh":      {sp(0, 0, 10, 20, parser.Stretch), cellGeometry{Cell: image.Pt(32, 48), Scaled: image.Pt(32, 48)}},
		"sw with psh":      {sp(100, 0, 100, 50, parser.Stretch), cellGeometry{Cell: image.Pt(100, 120), Scaled: image.Pt(100, 120)}},
		"stretch":          {sp(100, 100, 100, 100, parser.Stretch), cellGeometry{Cell: image.Pt(100, 100), Scaled: image.Pt(100, 100)}},
		"crop":             {sp(100, 100, 100, 100, parser.Crop), cellGeometry{Cell: image.Pt(100, 100), Scaled: image.Pt(133, 100), Offset: image.Pt(-16, 0)}},
		"crop tall box":    {sp(40, 100, 100, 100, parser.Crop), cellGeometry{Cell: image.Pt(40, 100), Scaled: image.Pt(133, 100), Offset: image.Pt(-46, 0)}},
		"crop wide box":    {sp(200, 50, 100, 100, parser.Crop), cellGeometry{Cell: image.Pt(200, 50), Scaled: image.Pt(200, 150), Offset: image.Pt(0, -50)}},
		"fill":             {sp(100, 100, 100, 100, parser.Fill), cellGeometry{Cell: image.Pt(100, 100), Scaled: image.Pt(100, 75), Offset: image.Pt(0, 12)}},
		"fill tall":        {sp(300, 100, 100, 100, parser.Fill), cellGeometry{Cell: image.Pt(300, 100), Scaled: image.Pt(133, 100), Offset: image.Pt(83, 0)}},
		"fit":              {sp(100, 100, 100, 100, parser.Fit), cellGeometry{Cell: image.Pt(100, 75), Scaled: image.Pt(100, 75)}},
		"fit wide box":     {sp(300, 100, 100, 100, parser.Fit), cellGeometry{Cell: image.Pt(133, 100), Scaled: image.Pt(133, 100)}},
		"fit same aspect":  {sp(0, 0, 10, 10, parser.Fit), cellGeometry{Cell: image.Pt(32, 24), Scaled: image.Pt(32, 24)}},
	} {
		require.Equal(t, tc.want, cellLayout(tc.p, src), name)
	}
}

func TestSheetSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cols, rows, pad, margin int
		cell, want              image.Point
	}{
		{3, 3, 0, 0, image.Pt(200, 150), image.Pt(600, 450)},
		{10, 10, 4, 5, image.Pt(128, 72), image.Pt(1326, 766)},
		{1, 1, 100, 100, image.Pt(32, 32), image.Pt(232, 232)},
		{6, 2, 2, 2, image.Pt(10, 20), image.Pt(74, 46)},
	} {
		p := &parser.Sprite{Columns: tc.cols, Rows: tc.rows, Pad: tc.pad, Margin: tc.margin}
		got, err := sheetSize(p, tc.cell)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
	// 16384 fits exactly; one more pixel does not.
	p := &parser.Sprite{Columns: 4, Rows: 1, Pad: 0, Margin: 0}
	_, err := sheetSize(p, image.Pt(4096, 100))
	require.NoError(t, err)
	_, err = sheetSize(&parser.Sprite{Columns: 1, Rows: 2, Margin: 1}, image.Pt(10, 8192))
	require.True(t, osserr.Is(err, osserr.InvalidArgument), "%v", err)
}

func TestSheetAddPlacesCells(t *testing.T) {
	t.Parallel()
	p := &parser.Sprite{Columns: 2, Rows: 2, Pad: 3, Margin: 5}
	for name, g := range map[string]cellGeometry{
		"exact": {Cell: image.Pt(4, 3), Scaled: image.Pt(4, 3)},
		"crop":  {Cell: image.Pt(4, 3), Scaled: image.Pt(6, 3), Offset: image.Pt(-1, 0)},
		"fill":  {Cell: image.Pt(4, 3), Scaled: image.Pt(2, 3), Offset: image.Pt(1, 0)},
	} {
		size, err := sheetSize(p, g.Cell)
		require.NoError(t, err)
		s := newSheet(p, g, size)
		// A frame whose pixel value encodes its column: 10·(x+1).
		stride := g.Scaled.X*4 + 8 // padded rows, as libav frames have
		pix := make([]byte, stride*g.Scaled.Y)
		for y := 0; y < g.Scaled.Y; y++ {
			for x := 0; x < g.Scaled.X; x++ {
				copy(pix[y*stride+x*4:], []byte{byte(10 * (x + 1)), 0, 0, 255})
			}
		}
		for i := 0; i < 3; i++ {
			s.add(pix, stride)
		}
		require.False(t, s.full(), name)
		for i := 0; i < 4; i++ {
			r := s.cellRect(i)
			require.Equal(t, image.Pt(5+(i%2)*(4+3), 5+(i/2)*(3+3)), r.Min, name)
			for x := 0; x < g.Cell.X; x++ {
				want := uint8(0)
				if sx := x - g.Offset.X; i < 3 && sx >= 0 && sx < g.Scaled.X {
					want = uint8(10 * (sx + 1))
				}
				require.Equal(t, color.RGBA{want, 0, 0, 255}, s.img.RGBAAt(r.Min.X+x, r.Min.Y+1), "%s cell %d x %d", name, i, x)
			}
		}
		// Margin and padding stay black.
		require.Equal(t, color.RGBA{0, 0, 0, 255}, s.img.RGBAAt(4, 5), name)
		require.Equal(t, color.RGBA{0, 0, 0, 255}, s.img.RGBAAt(5+4+1, 6), name)
		s.add(pix, stride)
		require.True(t, s.full(), name)
	}
}
