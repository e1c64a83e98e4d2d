package concat

import (
	"math"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// streamRate is the clip's nominal frame rate: the average rate when it is
// sane (VFR phone clips), else libav's guess, snapped to a broadcast rate
// when within 1%.
func streamRate(in *libav.Input, s *astiav.Stream) float64 {
	r := s.AvgFrameRate().Float64()
	if s.AvgFrameRate().Den() == 0 || r <= 0 || r > 240 {
		r = in.Format.GuessFrameRate(s, nil).Float64()
	}
	if math.IsNaN(r) || r <= 0 || r > 240 {
		return 25
	}
	// A variable-rate clip (its average well below its base rate) gets
	// the nearest common rate at or above its average: a phone's 29.6
	// average becomes 30.
	if base := s.RFrameRate().Float64(); base > r*1.02 {
		for _, std := range []float64{24, 25, 30, 50, 60, 120} {
			if std >= r*0.99 {
				return std
			}
		}
	}
	best, bestDiff := r, math.Inf(1)
	for _, std := range []float64{23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 100, 119.88, 120} {
		if d := math.Abs(r - std); d/std < 0.01 && d < bestDiff {
			best, bestDiff = std, d
		}
	}
	return best
}

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
