package parser

import "strconv"

// Container/codec rules (read-only tables). OSS's video/concat documentation
// gives some (mxf and flv: no h265; mp4 no pcm; mov no flac/opus; asf and
// avi no opus; ts no flac/vorbis/amr/pcm; flv no flac/vorbis/amr/opus/pcm;
// mxf pcm only); the rest were measured with this build's FFmpeg 5.1
// muxers, so a request that cannot be written is refused with a 400
// instead of failing after it was queued.
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
		MP4:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioOpus},
		MKV:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioOpus, AudioPCM},
		MOV:  {AudioMP3, AudioVorbis, AudioAAC, AudioAC3, AudioPCM},
		ASF:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioPCM},
		AVI:  {AudioMP3, AudioVorbis, AudioAAC, AudioFLAC, AudioAC3, AudioPCM},
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
	}
	// sampleRatesOf restricts ar per codec (as OSS documents); absent = any listed rate.
	sampleRatesOf = map[AudioCodec][]int{
		AudioMP3:  {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000},
		AudioOpus: {8000, 12000, 16000, 24000, 48000},
		AudioAC3:  {32000, 44100, 48000},
	}
	// sampleRatesWith restricts ar per container and codec (FFmpeg muxers).
	flvMP3Rates = []int{11025, 22050, 44100, 48000}
	mxfRates    = []int{48000}
	// maxChannelsOf restricts ac per codec (as OSS documents).
	maxChannelsOf = map[AudioCodec]int{AudioMP3: 2, AudioAC3: 6}
)

// checkCompat applies the container, codec, sample-rate and channel rules to
// the main output and to the /segment container, and drops adepth for
// codecs it does not apply to.
func checkCompat(c *Concat) error {
	formats := []Container{c.Format}
	if c.Segment != nil && c.Segment.Format != c.Format {
		formats = append(formats, c.Segment.Format)
	}
	for _, f := range formats {
		if v := c.Video; v != nil && !f.AudioOnly() && !containsOf(videoCodecsIn[f], v.Codec) {
			return invalid("parameter vcodec: %s cannot be stored in container %s", v.Codec, f)
		}
		if a := c.Audio; a != nil {
			if !containsOf(audioCodecsIn[f], a.Codec) {
				return invalid("parameter acodec: %s cannot be stored in container %s", a.Codec, f)
			}
			if err := checkRate(f, a); err != nil {
				return err
			}
		}
	}
	if v := c.Video; v != nil && v.PixFmt == "yuva420p" && v.Codec != VP9 {
		return invalid("parameter pixfmt: yuva420p needs vcodec vp9, got %s", v.Codec)
	}
	if a := c.Audio; a != nil {
		if max, ok := maxChannelsOf[a.Codec]; ok && a.Channels > max {
			return invalid("parameter ac: value %d out of range [1, %d] for acodec %s", a.Channels, max, a.Codec)
		}
		if a.Codec != AudioFLAC && a.Codec != AudioPCM {
			a.Depth = 0 // adepth applies only to flac and pcm
		}
	}
	return nil
}

// checkRate applies the sample-rate rules to an explicit ar.
func checkRate(f Container, a *AudioOptions) error {
	if a.SampleRate == 0 {
		return nil
	}
	check := func(allowed []int, what string) error {
		if allowed != nil && !containsOf(allowed, a.SampleRate) {
			return invalid("parameter ar: value %d not supported by %s (allowed: %s)", a.SampleRate, what, joinInts(allowed))
		}
		return nil
	}
	if err := check(sampleRatesOf[a.Codec], "acodec "+string(a.Codec)); err != nil {
		return err
	}
	switch {
	case f == FLV && a.Codec == AudioMP3:
		return check(flvMP3Rates, "mp3 in flv")
	case f == MXF:
		return check(mxfRates, "container mxf")
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
