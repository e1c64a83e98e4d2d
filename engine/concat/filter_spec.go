package concat

import (
	"fmt"
	"math"
	"strings"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

// videoShape is what one clip's video must become: the output's size,
// pixel format and frame rate, and how to fit a clip of another aspect.
type videoShape struct {
	Width, Height int
	PixFmt        astiav.PixelFormat
	Rate          astiav.Rational
	Scale         parser.ScaleType
}

// videoSource describes a clip's decoded video as the graph receives it.
type videoSource struct {
	Width, Height int             // coded size
	SAR           astiav.Rational // sample aspect ratio; 0/x means square
	Rotation      int             // degrees clockwise to display upright
	Rate          float64         // nominal frame rate, for choosing where fps goes
}

// videoFilterSpec builds the per-clip video chain: turn upright, bring to
// the output size by the scale type, force square pixels and the output
// pixel format, and resample time to the constant output rate starting at
// 0 (fps duplicates or drops frames, which also turns VFR into CFR). fps
// goes first when it drops frames, so fewer frames are scaled.
//
// from is the clip time (seconds) the graph starts at: 0, or later when a
// graph is rebuilt because the picture size or format changed mid-clip.
func videoFilterSpec(src videoSource, out videoShape, from float64) string {
	var chain []string
	fps := fmt.Sprintf("fps=fps=%d/%d:start_time=%.6f", out.Rate.Num(), out.Rate.Den(), from)
	if src.Rate > out.Rate.Float64()+0.01 {
		chain = append(chain, fps)
	}
	w, h := src.Width, src.Height
	switch src.Rotation {
	case 90:
		chain = append(chain, "transpose=clock")
		w, h = h, w
	case 180:
		chain = append(chain, "hflip", "vflip")
	case 270:
		chain = append(chain, "transpose=cclock")
		w, h = h, w
	}
	// Display width accounts for non-square pixels (anamorphic sources).
	dispW := float64(w)
	if src.SAR.Num() > 0 && src.SAR.Den() > 0 {
		sar := src.SAR.Float64()
		if src.Rotation == 90 || src.Rotation == 270 {
			sar = 1 / sar
		}
		dispW = float64(w) * sar
	}
	chain = append(chain, scaleChain(dispW, float64(h), out)...)
	chain = append(chain, "setsar=1", "format=pix_fmts="+out.PixFmt.Name())
	if src.Rate <= out.Rate.Float64()+0.01 {
		chain = append(chain, fps)
	}
	return strings.Join(chain, ",")
}

// scaleChain maps a picture displayed as dispW×dispH onto the
// output size: stretch ignores aspect; crop covers the frame and cuts the
// overflow; fill and fit keep all of the picture and pad with black (fit's
// difference, the output taking the align clip's aspect, is decided when
// the output size is chosen).
func scaleChain(dispW, dispH float64, out videoShape) []string {
	W, H := out.Width, out.Height
	switch out.Scale {
	case parser.Crop:
		sw, sh := coverSize(dispW, dispH, W, H)
		return []string{scaleTo(sw, sh), fmt.Sprintf("crop=%d:%d:%d:%d", W, H, (sw-W)/2, (sh-H)/2)}
	case parser.Fill, parser.Fit:
		sw, sh := containSize(dispW, dispH, W, H)
		s := []string{scaleTo(sw, sh)}
		if sw != W || sh != H {
			s = append(s, fmt.Sprintf("pad=%d:%d:%d:%d:black", W, H, (W-sw)/2, (H-sh)/2))
		}
		return s
	default:
		return []string{scaleTo(W, H)}
	}
}

// scaleTo scales to sw×sh; a same-size "scale" still converts the pixel
// format in one pass with the following format filter.
func scaleTo(sw, sh int) string {
	return fmt.Sprintf("scale=%d:%d:flags=bicubic", sw, sh)
}

// containSize is the largest even size with the source's aspect inside W×H.
func containSize(dw, dh float64, W, H int) (int, int) {
	if dw <= 0 || dh <= 0 {
		return W, H
	}
	if dw/dh > float64(W)/float64(H) {
		return W, min(H, even(float64(W)*dh/dw))
	}
	return min(W, even(float64(H)*dw/dh)), H
}

// coverSize is the smallest even size with the source's aspect covering W×H.
func coverSize(dw, dh float64, W, H int) (int, int) {
	if dw <= 0 || dh <= 0 {
		return W, H
	}
	if dw/dh > float64(W)/float64(H) {
		return max(W, evenUp(float64(H)*dw/dh)), H
	}
	return W, max(H, evenUp(float64(W)*dh/dw))
}

// even rounds to the nearest even integer, at least 2 (4:2:0 needs it).
func even(v float64) int {
	n := int(v/2+0.5) * 2
	return max(n, 2)
}

// evenUp rounds up to an even integer.
func evenUp(v float64) int {
	n := int(v+0.999999) + 1
	return max(n&^1, 2)
}

// audioFilterSpec builds the per-clip audio chain. Input timestamps are
// relative to the clip's ss, so atrim cuts the pre-roll (and the tail at t)
// sample-exactly; aresample with first_pts=0 and async pads a late start or
// a gap with silence and drops overlaps, keeping audio on the clock the
// video uses; aformat fixes rate, channel layout (rematrixing) and format.
// from is the clip time the graph starts at (see videoFilterSpec).
func audioFilterSpec(limit float64, out libav.AudioShape, from float64) string {
	trim := fmt.Sprintf("atrim=start=%.6f", from)
	if limit > 0 {
		trim += fmt.Sprintf(":end=%.6f", limit)
	}
	first := int64(math.Round(from * float64(out.SampleRate)))
	return fmt.Sprintf("%s,aresample=%d:async=1:first_pts=%d,aformat=sample_fmts=%s:sample_rates=%d:channel_layouts=%s",
		trim, out.SampleRate, first, out.Format.Name(), out.SampleRate, out.Layout.String())
}
