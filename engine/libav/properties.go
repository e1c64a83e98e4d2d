package libav

import (
	"math"

	"github.com/asticode/go-astiav"
)

// The properties of a picked stream that the engines take their defaults
// from; Probe reports the same values, so what it shows is what a run uses.

// FrameRate is the stream's nominal frame rate: the average rate when it is
// sane (VFR phone clips), else libav's guess, snapped to a broadcast rate
// when within 1%; 25 when nothing sensible is known.
func (in *Input) FrameRate(s *astiav.Stream) float64 {
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

// Bitrate is the stream's bitrate in bps, or for video the container's
// when the stream does not say (MKV); 0 when unknown.
func (in *Input) Bitrate(s *astiav.Stream) int64 {
	if b := s.CodecParameters().BitRate(); b > 0 {
		return b
	}
	if s.CodecParameters().MediaType() == astiav.MediaTypeVideo {
		return in.Format.BitRate()
	}
	return 0
}

// DisplaySize is a video stream's picture as shown: its sample aspect
// ratio applied (the container's wins over the bitstream's) and turned
// upright by its Rotation.
func DisplaySize(s *astiav.Stream) (w, h float64) {
	par := s.CodecParameters()
	w, h = float64(par.Width()), float64(par.Height())
	if sar := s.SampleAspectRatio(); sar.Num() > 0 && sar.Den() > 0 {
		w *= sar.Float64()
	} else if sar := par.SampleAspectRatio(); sar.Num() > 0 && sar.Den() > 0 {
		w *= sar.Float64()
	}
	if r := Rotation(s); r == 90 || r == 270 {
		w, h = h, w
	}
	return w, h
}
