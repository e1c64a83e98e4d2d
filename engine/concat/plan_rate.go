package concat

import (
	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// outputRate applies fps and fpsopt, then moves a rate the container
// cannot store (MXF) to the nearest one it can: an explicit one was
// checked by the parser, so only a derived one (the align clip's, or the
// source's under fpsopt_1) moves.
func outputRate(o *parser.VideoOptions, f parser.Container, ref float64) (astiav.Rational, error) {
	rate := ref
	if o.FPS > 0 {
		rate = o.FPS
		if ref < o.FPS {
			switch o.FPSOpt {
			case parser.OptSourceLower:
				rate = ref
			case parser.OptFailLower:
				return astiav.Rational{}, osserr.New(osserr.InvalidArgument,
					"parameter fps: the align clip's frame rate %.3f is lower than %g (fpsopt_2)", ref, o.FPS)
			}
		}
	}
	rate = parser.LegalFrameRate(f, rate)
	return rateRational(rate), nil
}

// rateRational is the exact rational of a frame rate (parser.FrameRate:
// NTSC rates become n*1000/1001).
func rateRational(r float64) astiav.Rational {
	num, den := parser.FrameRate(r)
	return astiav.NewRational(num, den)
}
