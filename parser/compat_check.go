package parser

import "strconv"

// checkLimits refuses what container f cannot hold beyond its codec list:
// an MXF without video, a frame rate MXF does not store, an H.265 picture
// smaller than libx265 takes, alpha where the container drops it, AMR in MP4 next to video other than H.264, and
// sample rates and channel counts the codec or container does not take.
// Only explicit values are checked; an engine moves the defaults it takes
// from the align clip with LegalFrameRate and AudioLimits.
func checkLimits(f Container, c *Concat) error {
	v, a := c.Video, c.Audio
	if f == MXF && v == nil {
		return invalid("parameters f and vn: container mxf needs a video stream (FFmpeg's MXF muxer writes none without one)")
	}
	if v != nil && !f.AudioOnly() {
		if rates := frameRatesOf(f); v.FPS > 0 && rates != nil && !frameRateIn(rates, v.FPS) {
			return invalid("parameters f and fps: container %s stores only the frame rates %s; got %g", f, frameRateNames(rates), v.FPS)
		}
		if v.Codec == H265 && ((v.Width > 0 && v.Width < minH265Side) || (v.Height > 0 && v.Height < minH265Side)) {
			return invalid("parameters vcodec and s: h265 (libx265) encodes pictures of at least %dx%d, got %s",
				minH265Side, minH265Side, sizeText(v.Width, v.Height))
		}
		if v.PixFmt == "yuva420p" && !containsOf(alphaContainers, f) {
			return invalid("parameters f and pixfmt: container %s drops the alpha channel of yuva420p (webm and mkv keep it)", f)
		}
	}
	if a == nil {
		return nil
	}
	if f == MP4 && a.Codec == AudioAMR && v != nil && v.Codec != H264 {
		return invalid("parameters vcodec and acodec: container mp4 holds amr only beside h264 video (it is written as 3GPP MP4), got %s", v.Codec)
	}
	l := AudioLimitsOf(f, a.Codec)
	if a.SampleRate > 0 && !l.Allows(a.SampleRate) {
		return invalid("parameter ar: value %d not supported by acodec %s in container %s (allowed: %s)", a.SampleRate, a.Codec, f, joinInts(l.Rates))
	}
	if a.Channels > l.MaxChannels {
		return invalid("parameter ac: value %d out of range [1, %d] for acodec %s in container %s", a.Channels, l.MaxChannels, a.Codec, f)
	}
	if a.Channels > 0 && !l.AllowsChannels(a.Channels) {
		return invalid("parameter ac: acodec %s in container %s cannot be written with %d channels", a.Codec, f, a.Channels)
	}
	return nil
}

// alphaContainers keep VP9's alpha channel (Matroska's BlockAdditional);
// read-only.
var alphaContainers = []Container{WebM, MKV}

// minH265Side is libx265's smallest picture side ("Image size is too small"
// below 16x16, measured).
const minH265Side = 16

// sizeText is s as given: "WxH", "Wx" or "xH".
func sizeText(w, h int) string {
	t := "x"
	if w > 0 {
		t = strconv.Itoa(w) + t
	}
	if h > 0 {
		t += strconv.Itoa(h)
	}
	return t
}
