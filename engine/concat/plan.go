package concat

import (
	"strings"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// plan is the resolved output of a concatenation: every parameter the
// request left out is taken from the align clip (or, when that clip lacks
// the stream, from the first clip that has it), then adapted to what the
// chosen codec and container can hold.
type plan struct {
	spec   *parser.Concat
	format parser.Container // container of the file(s) written
	video  *videoPlan       // nil: no video output
	audio  *audioPlan       // nil: no audio output
	total  time.Duration    // estimated output duration, for progress
}

type videoPlan struct {
	opts    *parser.VideoOptions
	shape   videoShape
	bitrate int64 // target bitrate; 0 in CRF mode
}

// Defaults when no clip has video but the output needs a picture.
const (
	defaultWidth  = 1280
	defaultHeight = 720
)

func newPlan(spec *parser.Concat, clips []*clipSource) (*plan, error) {
	p := &plan{spec: spec, format: spec.Format}
	if spec.Segment != nil {
		p.format = spec.Segment.Format
	}
	for _, c := range clips {
		p.total += c.estimate()
	}
	var err error
	if spec.Video != nil && !p.format.AudioOnly() {
		if p.video, err = planVideo(spec.Video, p.format, refClip(clips, spec.Align, true)); err != nil {
			return nil, err
		}
	}
	if spec.Audio != nil {
		if p.audio, err = planAudio(spec.Audio, p.format, refClip(clips, spec.Align, false)); err != nil {
			return nil, err
		}
	}
	if p.video == nil && p.audio == nil {
		return nil, osserr.New(osserr.InvalidArgument, "video/concat: the output has neither video nor audio (vn_1 and an_1)")
	}
	return p, nil
}

// refClip is the clip whose properties are the defaults for one medium.
func refClip(clips []*clipSource, align int, video bool) *clipSource {
	has := func(c *clipSource) bool { return (video && c.video != nil) || (!video && c.audio != nil) }
	if align >= 0 && align < len(clips) && has(clips[align]) {
		return clips[align]
	}
	for _, c := range clips {
		if has(c) {
			return c
		}
	}
	return nil
}

func planVideo(o *parser.VideoOptions, f parser.Container, ref *clipSource) (*videoPlan, error) {
	vp := &videoPlan{opts: o, shape: videoShape{Scale: o.ScaleType}}
	if vp.shape.Scale == "" {
		vp.shape.Scale = parser.Stretch
	}
	refW, refH, refRate := float64(defaultWidth), float64(defaultHeight), 25.0
	refPix := astiav.PixelFormatYuv420P
	var refBitrate int64
	if ref != nil {
		refW, refH = libav.DisplaySize(ref.video)
		refRate = ref.in.FrameRate(ref.video)
		refPix = ref.video.CodecParameters().PixelFormat()
		refBitrate = ref.in.Bitrate(ref.video)
	}

	w, h, err := outputSize(o, refW, refH)
	if err != nil {
		return nil, err
	}
	vp.shape.Width, vp.shape.Height = w, h

	if vp.shape.Rate, err = outputRate(o, f, refRate); err != nil {
		return nil, err
	}
	if vp.shape.PixFmt, err = outputPixFmt(o, refPix); err != nil {
		return nil, err
	}

	switch {
	case o.HasCRF:
	case o.Bitrate > 0:
		if vp.bitrate, err = bitrateFor(o.Bitrate, refBitrate, o.BitrateOpt, "vb", "video"); err != nil {
			return nil, err
		}
	default:
		vp.bitrate = defaultVideoBitrate(w, h, vp.shape.Rate.Float64())
	}
	return vp, nil
}

// outputSize applies s, arotate, sopt and the fit scale type to the
// reference picture size. Sizes are even because 4:2:0 needs it.
func outputSize(o *parser.VideoOptions, refW, refH float64) (int, int, error) {
	if o.Width == 0 && o.Height == 0 {
		return boundedSize(refW, refH)
	}
	w, h := float64(o.Width), float64(o.Height)
	switch {
	case w == 0:
		w = h * refW / refH
	case h == 0:
		h = w * refH / refW
	}
	if o.AutoRotate && (refH > refW) != (h > w) && w != h {
		w, h = h, w
	}
	if refW*refH < w*h {
		switch o.SizeOpt {
		case parser.OptSourceLower:
			return boundedSize(refW, refH)
		case parser.OptFailLower:
			return 0, 0, osserr.New(osserr.InvalidArgument,
				"parameter s: the align clip's resolution %dx%d is lower than %dx%d (sopt_2)",
				int(refW), int(refH), int(w), int(h))
		}
	}
	if o.ScaleType == parser.Fit {
		cw, ch := containSize(refW, refH, int(w), int(h))
		w, h = float64(cw), float64(ch)
	}
	return boundedSize(w, h)
}

// maxOutputSide is the largest output side, the bound `s` has: a clip that
// declares a larger picture (or a derived side past it) is scaled down,
// keeping its aspect ratio, so a lying header cannot make the encoder
// allocate gigabytes.
const maxOutputSide = 4096

// boundedSize makes an even output size within maxOutputSide on both sides.
func boundedSize(w, h float64) (int, int, error) {
	if k := min(maxOutputSide/w, maxOutputSide/h); k < 1 {
		w, h = w*k, h*k
	}
	return evenDown(w), evenDown(h), nil
}

// evenDown rounds down to an even size of at least 2.
func evenDown(v float64) int {
	return max(int(v+1e-6)&^1, 2)
}

// outputPixFmt is pixfmt, or the reference clip's format reduced to the
// family the encoders accept (chroma subsampling, 8 or 10 bit).
func outputPixFmt(o *parser.VideoOptions, ref astiav.PixelFormat) (astiav.PixelFormat, error) {
	name := o.PixFmt
	if name == "" {
		name = pixFmtFamily(ref.Name())
	}
	pf := astiav.FindPixelFormatByName(name)
	if pf == astiav.PixelFormatNone {
		return pf, osserr.New(osserr.InvalidArgument, "parameter pixfmt: unknown pixel format %s", name)
	}
	return pf, nil
}

// pixFmtFamily maps any libav pixel format name to one of the pixfmt values.
func pixFmtFamily(n string) string {
	chroma := "420"
	switch {
	case strings.Contains(n, "444") || strings.HasPrefix(n, "gbr") || strings.HasPrefix(n, "rgb") || strings.HasPrefix(n, "bgr"):
		chroma = "444"
	case strings.Contains(n, "422") || strings.HasPrefix(n, "nv16") || strings.HasPrefix(n, "yuyv") || strings.HasPrefix(n, "uyvy"):
		chroma = "422"
	}
	deep := strings.Contains(n, "p10") || strings.Contains(n, "p12") || strings.Contains(n, "p16") || strings.HasPrefix(n, "p010") || strings.HasPrefix(n, "p016")
	if deep {
		return "yuv" + chroma + "p10le"
	}
	return "yuv" + chroma + "p"
}

// defaultVideoBitrate is the bitrate used when neither vb nor crf is given:
// 0.1 bit per pixel per frame, within [200 kbps, 20 Mbps] (about 5 Mbps
// for 1080p25, 2.3 Mbps for 720p25).
func defaultVideoBitrate(w, h int, fps float64) int64 {
	b := int64(float64(w*h) * fps * 0.1)
	return min(max(b, 200_000), 20_000_000)
}

// bitrateFor applies vbopt or abopt (param "vb" or "ab", for the kind of
// stream named) to the requested bitrate want: when the align clip's
// bitrate ref is known and lower, OptSourceLower takes ref and
// OptFailLower refuses the request.
func bitrateFor(want, ref int64, opt parser.Opt, param, kind string) (int64, error) {
	if ref <= 0 || ref >= want {
		return want, nil
	}
	switch opt {
	case parser.OptSourceLower:
		return ref, nil
	case parser.OptFailLower:
		return 0, osserr.New(osserr.InvalidArgument,
			"parameter %s: the align clip's %s bitrate %d is lower than %d (%sopt_2)", param, kind, ref, want, param)
	}
	return want, nil
}
