package parser

import (
	"strconv"
	"strings"
)

// Ranges of the transcoding parameters, as OSS documents them for
// video/concat and video/convert (which share them).
const (
	maxFPS       = 240
	maxCRF       = 51
	maxSide      = 4096
	minGOP       = 1
	maxGOP       = 100_000
	defaultGOP   = 150
	minVideoRate = 10_000
	maxVideoRate = 100_000_000
	maxBufSize   = 200_000_000
	minAudioRate = 1_000
	maxAudioRate = 10_000_000
	maxAudioQ    = 100
	maxChannels  = 8
)

// pixFmts are the accepted pixfmt values; yuva420p needs vp9.
var pixFmts = []string{"yuv420p", "yuv422p", "yuv444p", "yuv420p10le", "yuv422p10le", "yuv444p10le", "yuva420p"}

// sampleRates are the accepted ar values.
var sampleRates = []string{"8000", "11025", "12000", "16000", "22050", "24000", "32000", "44100", "48000", "64000", "88200", "96000"}

// parseTranscode reads the transcoding parameters of the video/concat head
// segment into c. Every given parameter is validated even when vn_1, an_1 or
// an audio-only container makes it moot; moot ones are then dropped, so the
// value the engine sees holds only what it must honour.
func parseTranscode(ps paramSet, c *Concat) error {
	if err := ps.require("f"); err != nil {
		return err
	}
	f, _ := ps.str("f")
	if !Container(f).valid() {
		return notOneOf("f", f, strings.Join(containerNames(), "|"))
	}
	c.Format = Container(f)
	vn, err := ps.flag("vn")
	if err != nil {
		return err
	}
	an, err := ps.flag("an")
	if err != nil {
		return err
	}
	v, err := parseVideo(ps)
	if err != nil {
		return err
	}
	a, err := parseAudio(ps)
	if err != nil {
		return err
	}
	if !vn && !c.Format.AudioOnly() {
		if err := ps.require("vcodec"); err != nil {
			return err
		}
		c.Video = v
	}
	if !an {
		if err := ps.require("acodec"); err != nil {
			return err
		}
		c.Audio = a
	}
	if c.Video == nil && c.Audio == nil {
		return invalid("video/concat: no output stream (vn_1 or audio-only f_%s together with an_1)", c.Format)
	}
	return checkCompat(c)
}

// parseVideo reads and cross-checks the video parameters.
func parseVideo(ps paramSet) (*VideoOptions, error) {
	v := &VideoOptions{}
	codec, err := ps.enum("vcodec", "", string(H264), string(H265), string(VP9))
	if err != nil {
		return nil, err
	}
	v.Codec = VideoCodec(codec)
	if err := onlyWith(ps, "fpsopt", "fps"); err != nil {
		return nil, err
	}
	if ps.has("fps") {
		if v.FPS, err = ps.float("fps", 0, maxFPS, true); err != nil {
			return nil, err
		}
	}
	if v.FPSOpt, err = ps.opt("fpsopt"); err != nil {
		return nil, err
	}
	if v.PixFmt, err = ps.enum("pixfmt", "", pixFmts...); err != nil {
		return nil, err
	}
	if err := onlyWith(ps, "sopt", "s"); err != nil {
		return nil, err
	}
	if raw, ok := ps.str("s"); ok {
		if v.Width, v.Height, err = parseSize(raw); err != nil {
			return nil, err
		}
	}
	if v.SizeOpt, err = ps.opt("sopt"); err != nil {
		return nil, err
	}
	st, err := ps.enum("scaletype", string(Stretch), string(Stretch), string(Crop), string(Fill), string(Fit))
	if err != nil {
		return nil, err
	}
	v.ScaleType = ScaleType(st)
	if v.AutoRotate, err = ps.flag("arotate"); err != nil {
		return nil, err
	}
	if v.GOP, err = ps.small("g", minGOP, maxGOP, defaultGOP); err != nil {
		return nil, err
	}
	if err := parseRate(ps, v); err != nil {
		return nil, err
	}
	return v, nil
}

// parseRate reads the rate control: vb (with vbopt) xor crf (with maxrate
// and bufsize).
func parseRate(ps paramSet, v *VideoOptions) error {
	if ps.has("vb") && ps.has("crf") {
		return invalid("parameters vb and crf are mutually exclusive")
	}
	for _, k := range []string{"vbopt"} {
		if err := onlyWith(ps, k, "vb"); err != nil {
			return err
		}
	}
	for _, k := range []string{"maxrate", "bufsize"} {
		if err := onlyWith(ps, k, "crf"); err != nil {
			return err
		}
	}
	var err error
	if v.Bitrate, err = ps.integer("vb", minVideoRate, maxVideoRate, 0); err != nil {
		return err
	}
	if v.BitrateOpt, err = ps.opt("vbopt"); err != nil {
		return err
	}
	if ps.has("crf") {
		v.HasCRF = true
		if v.CRF, err = ps.float("crf", 0, maxCRF, false); err != nil {
			return err
		}
	}
	if v.MaxRate, err = ps.integer("maxrate", minVideoRate, maxVideoRate, 0); err != nil {
		return err
	}
	v.BufSize, err = ps.integer("bufsize", minVideoRate, maxBufSize, 0)
	return err
}

// parseAudio reads and cross-checks the audio parameters.
func parseAudio(ps paramSet) (*AudioOptions, error) {
	a := &AudioOptions{}
	codec, err := ps.enum("acodec", "", string(AudioMP3), string(AudioVorbis), string(AudioAAC),
		string(AudioFLAC), string(AudioAC3), string(AudioOpus), string(AudioPCM), string(AudioAMR))
	if err != nil {
		return nil, err
	}
	a.Codec = AudioCodec(codec)
	ar, err := ps.enum("ar", "0", sampleRates...)
	if err != nil {
		return nil, err
	}
	a.SampleRate, _ = strconv.Atoi(ar)
	if a.Channels, err = ps.small("ac", 1, maxChannels, 0); err != nil {
		return nil, err
	}
	if ps.has("aq") && ps.has("ab") {
		return nil, invalid("parameters aq and ab are mutually exclusive")
	}
	if err := onlyWith(ps, "abopt", "ab"); err != nil {
		return nil, err
	}
	if ps.has("aq") {
		a.HasQuality = true
		if a.Quality, err = ps.small("aq", 0, maxAudioQ, 0); err != nil {
			return nil, err
		}
	}
	if a.Bitrate, err = ps.integer("ab", minAudioRate, maxAudioRate, 0); err != nil {
		return nil, err
	}
	if a.BitrateOpt, err = ps.opt("abopt"); err != nil {
		return nil, err
	}
	depth, err := ps.enum("adepth", "0", "16", "24")
	if err != nil {
		return nil, err
	}
	a.Depth, _ = strconv.Atoi(depth)
	return a, nil
}

// onlyWith refuses key when its companion is absent ("fpsopt needs fps").
func onlyWith(ps paramSet, key, companion string) error {
	if ps.has(key) && !ps.has(companion) {
		return invalid("parameter %s: only allowed together with %s", key, companion)
	}
	return nil
}

// parseSize reads s: "WxH", or "Wx" / "xH" to keep the aspect ratio, each
// side in (0, 4096].
func parseSize(raw string) (int, int, error) {
	ws, hs, ok := strings.Cut(raw, "x")
	if !ok || (ws == "" && hs == "") {
		return 0, 0, invalid("parameter s: value %s is not WxH, Wx or xH", quote(raw))
	}
	side := func(text string) (int, error) {
		if text == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil && !isRangeErr(err) {
			return 0, invalid("parameter s: value %s is not WxH, Wx or xH", quote(raw))
		}
		if err != nil || n < 1 || n > maxSide {
			return 0, invalid("parameter s: value %s: each side must be in (0, %d]", quote(raw), maxSide)
		}
		return int(n), nil
	}
	w, err := side(ws)
	if err != nil {
		return 0, 0, err
	}
	h, err := side(hs)
	return w, h, err
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
