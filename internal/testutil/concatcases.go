package testutil

import (
	"cmp"
	"slices"
	"strings"
)

// The values seed 000 documents for video/concat's transcoding parameters
// (fps, a float in (0, 240], by the rates people use plus the ends of its
// range; s by the sizes that stress encoders and muxers). They are the
// document's lists, kept apart from the parser's so the table below checks
// the parser rather than restating it.
var (
	docContainers   = []string{"mp4", "mkv", "mov", "asf", "avi", "mxf", "ts", "flv", "webm", "mp3", "aac", "flac", "oga", "ac3", "opus", "amr"}
	docAudioOnly    = []string{"mp3", "aac", "flac", "oga", "ac3", "opus", "amr"}
	docVideoCodecs  = []string{"h264", "h265", "vp9"}
	docAudioCodecs  = []string{"mp3", "vorbis", "aac", "flac", "ac3", "opus", "amr", "pcm"}
	docFrameRates   = []string{"0.5", "1", "5", "7.5", "10", "12", "12.5", "15", "20", "23.976", "24", "25", "29.97", "30", "33.333", "47.952", "48", "50", "59.94", "60", "72", "75", "90", "96", "100", "119.88", "120", "144", "200", "240"}
	docPixFmts      = []string{"yuv420p", "yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le", "yuv444p10le", "yuva420p"}
	docSizes        = []string{"2x2", "16x16", "64x64", "162x122", "1920x1080", "4096x2160", "4096x4096"}
	docSampleRates  = []string{"8000", "11025", "12000", "16000", "22050", "24000", "32000", "44100", "48000", "64000", "88200", "96000"}
	docChannels     = []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	docAudioDepths  = []string{"16", "24"}
	docDepthCodecs  = []string{"flac", "pcm"}
	docOutputAxesV  = []string{"fps", "pixfmt", "s"}
	docOutputAxesA  = []string{"ar", "ac", "adepth"}
	docAxisValuesOf = map[string][]string{
		"fps": docFrameRates, "pixfmt": docPixFmts, "s": docSizes,
		"ar": docSampleRates, "ac": docChannels, "adepth": docAudioDepths,
	}
)

// ConcatCase is one combination of video/concat output parameters: a
// container, a video codec ("" = none: vn_1, or an audio-only container),
// an audio codec ("" = an_1) and at most one more parameter (Axis, Value),
// every other left to its default.
type ConcatCase struct {
	Format, VideoCodec, AudioCodec string
	Axis, Value                    string // "" for the bare combination
}

// Head is the case as video/concat's head parameters, e.g.
// "f_mp4,vcodec_h264,acodec_aac,ar_48000".
func (c ConcatCase) Head() string {
	p := []string{"f_" + c.Format}
	switch {
	case c.VideoCodec != "":
		p = append(p, "vcodec_"+c.VideoCodec)
	case !isAudioOnly(c.Format):
		p = append(p, "vn_1")
	}
	if c.AudioCodec != "" {
		p = append(p, "acodec_"+c.AudioCodec)
	} else {
		p = append(p, "an_1")
	}
	if c.Axis != "" {
		p = append(p, c.Axis+"_"+c.Value)
	}
	return strings.Join(p, ",")
}

// String names the case for subtests: "mp4/h264/aac/ar_48000".
func (c ConcatCase) String() string {
	s := c.Format + "/" + cmp.Or(c.VideoCodec, "-") + "/" + cmp.Or(c.AudioCodec, "-")
	if c.Axis != "" {
		s += "/" + c.Axis + "_" + c.Value
	}
	return s
}

// ConcatCases enumerates every combination of container, video codec (or
// none) and audio codec (or none) the document lists, each bare and with
// each documented value of one output parameter at a time (fps, pixfmt
// and s when there is video; ar, ac, and adepth for flac and pcm, when
// there is audio). Parameters interact through the container and the
// codecs, which every case fixes, not with each other, so one axis at a
// time covers every limit while keeping the table to about 19,000 cases.
func ConcatCases() []ConcatCase {
	var cases []ConcatCase
	for _, f := range docContainers {
		videos := append([]string{""}, docVideoCodecs...)
		if isAudioOnly(f) {
			videos = []string{""}
		}
		for _, v := range videos {
			for _, a := range append([]string{""}, docAudioCodecs...) {
				if v == "" && a == "" {
					continue
				}
				base := ConcatCase{Format: f, VideoCodec: v, AudioCodec: a}
				cases = append(cases, base)
				var axes []string
				if v != "" {
					axes = append(axes, docOutputAxesV...)
				}
				if a != "" {
					axes = append(axes, docOutputAxesA...)
				}
				for _, axis := range axes {
					if axis == "adepth" && !slices.Contains(docDepthCodecs, a) {
						continue
					}
					for _, val := range docAxisValuesOf[axis] {
						c := base
						c.Axis, c.Value = axis, val
						cases = append(cases, c)
					}
				}
			}
		}
	}
	return cases
}

func isAudioOnly(f string) bool { return slices.Contains(docAudioOnly, f) }
