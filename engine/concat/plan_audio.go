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
	// Explicit values were checked by the parser; defaults from the align
	// clip move to what the codec in the container can hold.
	limits := parser.AudioLimitsOf(f, o.Codec)
	if o.SampleRate > 0 {
		ap.rate = o.SampleRate
	} else {
		ap.rate = limits.SampleRate(ap.rate)
	}
	if o.Channels > 0 {
		ap.channels = o.Channels
	} else {
		ap.channels = limits.Channels(ap.channels)
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
