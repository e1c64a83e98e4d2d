package concat

import (
	"math"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// mxfRates are the frame rates FFmpeg's MXF muxer accepts.
var mxfRates = []float64{23.976, 24, 25, 29.97, 30, 50, 59.94, 60}

// outputRate applies fps and fpsopt; MXF refuses an explicit rate it cannot
// store and snaps a derived one to the nearest broadcast rate.
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
	if f == parser.MXF {
		best := mxfRates[0]
		for _, r := range mxfRates {
			if math.Abs(r-rate) < math.Abs(best-rate) {
				best = r
			}
		}
		if math.Abs(best-rate) > 0.01 {
			if o.FPS > 0 {
				return astiav.Rational{}, osserr.New(osserr.InvalidArgument,
					"parameter fps: container mxf needs a broadcast frame rate (23.976, 24, 25, 29.97, 30, 50, 59.94, 60), got %g", rate)
			}
			rate = best
		}
	}
	return rateRational(rate), nil
}

// rateRational turns a frame rate into an exact rational: NTSC rates become
// n*1000/1001, others are kept to a thousandth.
func rateRational(r float64) astiav.Rational {
	for _, n := range []int{24, 30, 48, 60, 120} {
		if math.Abs(r-float64(n)*1000/1001) < 0.005 {
			return astiav.NewRational(n*1000, 1001)
		}
	}
	if math.Abs(r-math.Round(r)) < 1e-6 {
		return astiav.NewRational(int(math.Round(r)), 1)
	}
	num, den := int(math.Round(r*1000)), 1000
	g := gcd(num, den)
	return astiav.NewRational(num/g, den/g)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
