package parser

import "strconv"

// Container/codec rules (read-only tables). OSS's video/concat documentation
// gives some (mxf and flv: no h265; mp4 no pcm; mov no flac/opus; asf and
// avi no opus; ts no flac/vorbis/amr/pcm; flv no flac/vorbis/amr/opus/pcm;
// mxf pcm only); the rest were measured with this build's FFmpeg 5.1
// muxers, so a request that cannot be written is refused with a 400
// instead of failing after it was queued. compat.go holds the rates and
// channel counts.
var (
	videoCodecsIn = map[Container][]VideoCodec{
		MP4:  {H264, H265, VP9},
		MKV:  {H264, H265, VP9},
		MOV:  {H264, H265}, // mov muxer: "vp9 only supported in MP4"
		ASF:  {H264, VP9},  // no HEVC tag in asf
		AVI:  {H264, H265, VP9},
		MXF:  {H264},
		TS:   {H264, H265}, // vp9 would be muxed as unreadable private data
		FLV:  {H264},
		WebM: {VP9},
	}
	audioCodecsIn = map[Container][]AudioCodec{
		MP4:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioOpus, AudioAMR},
		MKV:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioOpus, AudioPCM, AudioAMR},
		MOV:  {AudioMP3, AudioVorbis, AudioAAC, AudioAC3, AudioPCM, AudioAMR},
		ASF:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioPCM, AudioAMR},
		AVI:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioPCM, AudioAMR},
		MXF:  {AudioPCM},
		TS:   {AudioMP3, AudioAAC, AudioAC3, AudioOpus},
		FLV:  {AudioMP3, AudioAAC},
		WebM: {AudioVorbis, AudioOpus},
		MP3:  {AudioMP3},
		AAC:  {AudioAAC},
		FLAC: {AudioFLAC},
		OGA:  {AudioVorbis, AudioFLAC, AudioOpus},
		AC3:  {AudioAC3},
		Opus: {AudioOpus},
		AMR:  {AudioAMR},
	}
)

// checkCompat applies the container, codec, frame-rate, pixel-format,
// sample-rate and channel rules to the main output and to the /segment
// container, and drops adepth for codecs it does not apply to.
func checkCompat(c *Concat) error {
	if v := c.Video; v != nil && v.PixFmt == "yuva420p" && v.Codec != VP9 {
		return invalid("parameter pixfmt: yuva420p needs vcodec vp9, got %s", v.Codec)
	}
	formats := []Container{c.Format}
	if c.Segment != nil && c.Segment.Format != c.Format {
		formats = append(formats, c.Segment.Format)
	}
	for _, f := range formats {
		if v := c.Video; v != nil && !f.AudioOnly() && !containsOf(videoCodecsIn[f], v.Codec) {
			return invalid("parameter vcodec: %s cannot be stored in container %s", v.Codec, f)
		}
		if a := c.Audio; a != nil && !containsOf(audioCodecsIn[f], a.Codec) {
			return invalid("parameter acodec: %s cannot be stored in container %s", a.Codec, f)
		}
		if err := checkLimits(f, c); err != nil {
			return err
		}
	}
	if a := c.Audio; a != nil && a.Codec != AudioFLAC && a.Codec != AudioPCM {
		a.Depth = 0 // adepth applies only to flac and pcm
	}
	return nil
}

func containsOf[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func joinInts(list []int) string {
	s := ""
	for i, n := range list {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(n)
	}
	return s
}
