package concat

import (
	"math"
	"sort"
	"strconv"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/amr"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// audioEncoderName maps acodec (and adepth for PCM) to the libav encoder.
func audioEncoderName(a *parser.AudioOptions) string {
	switch a.Codec {
	case parser.AudioMP3:
		return "libmp3lame"
	case parser.AudioVorbis:
		return "libvorbis"
	case parser.AudioFLAC:
		return "flac"
	case parser.AudioAC3:
		return "ac3"
	case parser.AudioOpus:
		return "libopus"
	case parser.AudioPCM:
		if a.Depth == 24 {
			return "pcm_s24le"
		}
		return "pcm_s16le"
	}
	return "aac"
}

// ac3Bitrates are the bitrates the AC-3 encoder accepts, in kbps.
var ac3Bitrates = []int64{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640}

// fixedPointQP2Lambda is libav's FF_QP2LAMBDA: global_quality is a
// quality scale times this.
const fixedPointQP2Lambda = 118

// openAudioEncoder opens the audio encoder for the plan and reports the
// shape its input frames must have. libvorbis accepts a bitrate only
// inside a range that depends on rate and channels; when it refuses ab,
// the nearest bitrate it takes is used instead.
func openAudioEncoder(ap *audioPlan, mux *libav.Muxer, c *astikit.Closer) (*libav.Encoder, libav.AudioShape, error) {
	rates := []int64{ap.bitrate}
	if ap.bitrate > 0 && ap.opts.Codec == parser.AudioVorbis {
		rates = vorbisLadder(ap.bitrate)
	}
	var firstErr error
	for _, b := range rates {
		attempt := astikit.NewCloser()
		e, shape, err := openAudioEncoderAt(ap, b, mux, attempt)
		if err == nil {
			c.AddWithError(attempt.Close)
			return e, shape, nil
		}
		_ = attempt.Close()
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, libav.AudioShape{}, firstErr
}

// vorbisLadder is the requested bitrate, then the usual bitrates nearest to it.
func vorbisLadder(b int64) []int64 {
	ladder := []int64{32_000, 48_000, 64_000, 96_000, 128_000, 192_000, 256_000, 320_000, 500_000, 1_000_000}
	sort.Slice(ladder, func(i, j int) bool {
		return math.Abs(math.Log(float64(ladder[i])/float64(b))) < math.Abs(math.Log(float64(ladder[j])/float64(b)))
	})
	return append([]int64{b}, ladder...)
}

func openAudioEncoderAt(ap *audioPlan, bitrate int64, mux *libav.Muxer, c *astikit.Closer) (*libav.Encoder, libav.AudioShape, error) {
	if ap.opts.Codec == parser.AudioAMR {
		return openAMREncoder(ap, bitrate, mux, c)
	}
	e, err := libav.NewEncoder(audioEncoderName(ap.opts), mux, c)
	if err != nil {
		return nil, libav.AudioShape{}, err
	}
	cc := e.CodecContext
	shape := libav.AudioShape{SampleRate: ap.rate, Layout: pickLayout(e.Codec, ap.layout, ap.channels), Format: pickSampleFormat(e.Codec, ap.opts)}
	if ap.opts.Codec == parser.AudioOpus {
		shape.Layout = vorbisLayout(ap.channels)
	}
	cc.SetSampleRate(shape.SampleRate)
	cc.SetChannelLayout(shape.Layout)
	cc.SetSampleFormat(shape.Format)
	cc.SetTimeBase(astiav.NewRational(1, shape.SampleRate))
	cc.SetThreadCount(1)

	opts := map[string]string{}
	n := int64(shape.Layout.NbChannels())
	switch b := bitrate; {
	case b > 0 && ap.opts.Codec == parser.AudioAC3:
		cc.SetBitRate(nearestAC3(b))
	case b > 0 && ap.opts.Codec == parser.AudioOpus:
		cc.SetBitRate(min(max(b, 6_000*n), 256_000*n)) // libopus's range
	case b > 0 && ap.opts.Codec != parser.AudioFLAC && ap.opts.Codec != parser.AudioPCM:
		cc.SetBitRate(b)
	case ap.opts.HasQuality:
		audioQuality(ap, int(n), cc, opts)
	}
	if ap.opts.Codec == parser.AudioAAC || ap.opts.Codec == parser.AudioOpus {
		opts["strict"] = "experimental" // aac's qscale VBR, opus with >2 channels
	}
	if err := e.Open(opts, 0); err != nil {
		return nil, libav.AudioShape{}, osserr.Wrap(osserr.InvalidArgument, err, "audio encoder %s refused the parameters: %v", e.Codec.Name(), err)
	}
	return e, shape, nil
}

// audioQuality maps aq (0–100, higher is better) onto each encoder's own
// quality scale: AAC VBR q 0.1–2, LAME VBR V9–V0, Vorbis q0–10; Opus and
// AC-3 have none, so aq picks a bitrate instead. FLAC and PCM are lossless.
func audioQuality(ap *audioPlan, channels int, cc *astiav.CodecContext, opts map[string]string) {
	q := float64(ap.opts.Quality) / 100
	scale := -1.0
	switch ap.opts.Codec {
	case parser.AudioAAC:
		scale = 0.1 + 1.9*q
	case parser.AudioMP3:
		scale = 9 - 9*q
	case parser.AudioVorbis:
		scale = 10 * q
	case parser.AudioOpus:
		cc.SetBitRate(int64(channels) * int64(16_000+q*112_000))
	case parser.AudioAC3:
		cc.SetBitRate(nearestAC3(int64(96_000 + q*544_000)))
	}
	if scale >= 0 {
		cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagQscale))
		opts["global_quality"] = strconv.Itoa(int(scale * fixedPointQP2Lambda))
	}
}

func nearestAC3(b int64) int64 {
	best := ac3Bitrates[0]
	for _, k := range ac3Bitrates {
		if abs64(k*1000-b) < abs64(best*1000-b) {
			best = k
		}
	}
	return best * 1000
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// pickLayout keeps the wanted layout when the encoder takes it, else the
// encoder's first layout with as many channels, else its first layout.
func pickLayout(c *astiav.Codec, want astiav.ChannelLayout, n int) astiav.ChannelLayout {
	layouts := c.ChannelLayouts()
	if len(layouts) == 0 {
		return want
	}
	for _, l := range layouts {
		if l.Equal(want) {
			return want
		}
	}
	for _, l := range layouts {
		if l.NbChannels() == n && namedLayout(l) {
			return l
		}
	}
	for _, l := range layouts {
		if l.NbChannels() == min(n, 2) {
			return l
		}
	}
	return layouts[0]
}

// pickSampleFormat chooses the encoder input format: FLAC by adepth (s16 or
// s32 holding 24 bits), else float planar when offered, else the first.
func pickSampleFormat(c *astiav.Codec, a *parser.AudioOptions) astiav.SampleFormat {
	fmts := c.SampleFormats()
	if a.Codec == parser.AudioFLAC {
		if a.Depth == 24 {
			return astiav.SampleFormatS32
		}
		return astiav.SampleFormatS16
	}
	for _, f := range fmts {
		if f == astiav.SampleFormatFltp {
			return f
		}
	}
	for _, f := range fmts {
		if f == astiav.SampleFormatFlt {
			return f
		}
	}
	if len(fmts) > 0 {
		return fmts[0]
	}
	return astiav.SampleFormatFltp
}

// openAMREncoder opens AMR-NB (8 kHz) or AMR-WB (16 kHz) through
// engine/amr: mono S16 in, one stored AMR frame per packet out, at the
// speech mode nearest to bitrate (0: the highest).
func openAMREncoder(ap *audioPlan, bitrate int64, mux *libav.Muxer, c *astikit.Closer) (*libav.Encoder, libav.AudioShape, error) {
	v, err := amr.ForSampleRate(ap.rate)
	if err != nil {
		return nil, libav.AudioShape{}, osserr.Wrap(osserr.InvalidArgument, err, "parameter ar: %v", err)
	}
	x, err := amr.NewCodec(v, bitrate)
	if err != nil {
		return nil, libav.AudioShape{}, err
	}
	c.Add(x.Close)
	e, err := libav.NewFrameEncoder(x, mux, c)
	if err != nil {
		return nil, libav.AudioShape{}, err
	}
	return e, libav.AudioShape{SampleRate: v.SampleRate(), Layout: astiav.ChannelLayoutMono, Format: astiav.SampleFormatS16}, nil
}

// vorbisLayout is the Vorbis channel order for n channels, the only
// layouts libopus takes beyond stereo (its 4-channel one is quad, not 4.0).
func vorbisLayout(n int) astiav.ChannelLayout {
	if n == 4 {
		return astiav.ChannelLayoutQuad
	}
	return defaultLayout(n)
}
