package concat

import (
	"strings"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

type audioPlan struct {
	opts      *parser.AudioOptions
	rate      int
	channels  int
	layout    astiav.ChannelLayout // preferred layout; the encoder may impose another with as many channels
	bitrate   int64                // 0: encoder default or quality mode
	shape     libav.AudioShape     // what the encoder takes, set when it opens
	frameSize int                  // encoder frame size, set when it opens
}

// Defaults when no clip has audio but the output needs a track.
const (
	defaultSampleRate = 48000
	defaultChannels   = 2
)

// Sample rates each codec or container can hold, for adapting a rate taken
// from the align clip (an explicit ar was already checked by the parser).
var (
	opusRates = []int{8000, 12000, 16000, 24000, 48000}
	ac3Rates  = []int{32000, 44100, 48000}
	mp3Rates  = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}
	flvRates  = []int{11025, 22050, 44100}
)

func planAudio(o *parser.AudioOptions, f parser.Container, ref *clipSource) (*audioPlan, error) {
	ap := &audioPlan{opts: o, rate: defaultSampleRate, channels: defaultChannels, layout: astiav.ChannelLayoutStereo}
	var refBitrate int64
	if ref != nil {
		par := ref.audio.CodecParameters()
		if par.SampleRate() > 0 {
			ap.rate = par.SampleRate()
		}
		if n := par.ChannelLayout().NbChannels(); n > 0 {
			ap.channels = n
			ap.layout = par.ChannelLayout()
		} else if par.Channels() > 0 {
			ap.channels = par.Channels()
		}
		refBitrate = ref.in.Bitrate(ref.audio)
	}
	if o.SampleRate > 0 {
		ap.rate = o.SampleRate
	} else {
		ap.rate = adaptRate(ap.rate, o.Codec, f)
	}
	if o.Channels > 0 {
		ap.channels = o.Channels
	}
	switch {
	case o.Codec == parser.AudioMP3 && ap.channels > 2, f == parser.FLV && ap.channels > 2:
		ap.channels = 2
	case o.Codec == parser.AudioAC3 && ap.channels > 6:
		ap.channels = 6
	case ap.channels > 8:
		ap.channels = 8
	}
	if !ap.layout.Valid() || ap.layout.NbChannels() != ap.channels || !namedLayout(ap.layout) {
		ap.layout = defaultLayout(ap.channels)
	}

	if o.Bitrate > 0 {
		var err error
		if ap.bitrate, err = bitrateFor(o.Bitrate, refBitrate, o.BitrateOpt, "ab", "audio"); err != nil {
			return nil, err
		}
	}
	return ap, nil
}

// adaptRate moves a rate the codec or container cannot hold to the nearest
// one it can (MXF: 48 kHz only).
func adaptRate(rate int, c parser.AudioCodec, f parser.Container) int {
	var allowed []int
	switch {
	case f == parser.MXF:
		return 48000
	case f == parser.FLV && c == parser.AudioMP3:
		allowed = flvRates
	case c == parser.AudioOpus:
		allowed = opusRates
	case c == parser.AudioAC3:
		allowed = ac3Rates
	case c == parser.AudioMP3:
		allowed = mp3Rates
	case c == parser.AudioAAC && rate > 96000:
		return 96000
	default:
		return rate
	}
	best := allowed[len(allowed)-1]
	for _, r := range allowed {
		if abs(r-rate) < abs(best-rate) {
			best = r
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// namedLayout reports a layout libav can name (not "3 channels"), which the
// aformat filter and the encoders understand.
func namedLayout(l astiav.ChannelLayout) bool {
	s := l.String()
	return s != "" && !strings.Contains(s, "channels") && !strings.HasSuffix(s, "c")
}

// defaultLayout is FFmpeg's usual layout for a channel count.
func defaultLayout(n int) astiav.ChannelLayout {
	switch n {
	case 1:
		return astiav.ChannelLayoutMono
	case 3:
		return astiav.ChannelLayoutSurround
	case 4:
		return astiav.ChannelLayout4Point0
	case 5:
		return astiav.ChannelLayout5Point0Back
	case 6:
		return astiav.ChannelLayout5Point1Back
	case 7:
		return astiav.ChannelLayout6Point1
	case 8:
		return astiav.ChannelLayout7Point1
	}
	return astiav.ChannelLayoutStereo
}
