package amr

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"
)

// tone is seconds of a two-partial tone (300 Hz and 1 kHz, inside both
// variants' bands) at rate, peak about -6 dBFS.
func tone(rate int, seconds float64) []int16 {
	n := int(float64(rate) * seconds)
	pcm := make([]int16, n)
	for i := range pcm {
		t := float64(i) / float64(rate)
		pcm[i] = int16(9000*math.Sin(2*math.Pi*300*t) + 7000*math.Sin(2*math.Pi*1000*t))
	}
	return pcm
}

// rms is the root mean square of samples in full-scale units.
func rms(samples []float64) float64 {
	sum := 0.0
	for _, s := range samples {
		sum += s * s
	}
	return math.Sqrt(sum / float64(len(samples)))
}

// goertzel is the power of s at freq Hz (the Goertzel algorithm), per sample.
func goertzel(s []float64, freq float64, rate int) float64 {
	k := 2 * math.Cos(2*math.Pi*freq/float64(rate))
	var s1, s2 float64
	for _, x := range s {
		s1, s2 = x+k*s1-s2, s1
	}
	return (s1*s1 + s2*s2 - k*s1*s2) / float64(len(s)*len(s))
}

// requireSameTone checks that out carries in's tone (tone's 300 Hz and
// 1 kHz partials): overall level within 2 dB and each partial's power
// within 3 dB (AMR-NB's low modes lose about 2.2 dB at 300 Hz), measured
// on the middle half, clear of codec delay.
func requireSameTone(t *testing.T, in, out []float64, rate int) {
	t.Helper()
	db := func(a, b float64) float64 { return 10 * math.Log10(a/b) }
	a, b := middle(in), middle(out)
	require.InDelta(t, 0, db(rms(b)*rms(b), rms(a)*rms(a)), 2, "level change in dB")
	for _, f := range []float64{300, 1000} {
		require.InDelta(t, 0, db(goertzel(b, f, rate), goertzel(a, f, rate)), 3, "power change at %g Hz in dB", f)
	}
}

func toFloat(pcm []int16) []float64 {
	out := make([]float64, len(pcm))
	for i, s := range pcm {
		out[i] = float64(s) / 32768
	}
	return out
}

// middle is the central half of s, clear of codec delay and fade-in.
func middle(s []float64) []float64 { return s[len(s)/4 : len(s)*3/4] }

// writeAMR stores frames as a .amr file: the variant's magic, then the
// stored frames back to back (RFC 4867 §5).
func writeAMR(t *testing.T, v Variant, frames []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tone.amr")
	require.NoError(t, os.WriteFile(path, append([]byte(v.Magic()), frames...), 0o600))
	return path
}

// decoded is what libavformat and FFmpeg's own AMR decoders make of a file.
type decoded struct {
	format     string
	codec      astiav.CodecID
	sampleRate int
	channels   int
	duration   float64 // container's duration in seconds, when it states one
	samples    []float64
}

// seconds is the decoded length.
func (d decoded) seconds() float64 { return float64(len(d.samples)) / float64(d.sampleRate) }

// decodeFile opens path with libavformat and decodes its only audio stream
// to mono float samples; any demuxing or decoding error fails the test.
func decodeFile(t *testing.T, path string) decoded {
	t.Helper()
	fc := astiav.AllocFormatContext()
	require.NotNil(t, fc)
	defer fc.Free()
	require.NoError(t, fc.OpenInput(path, nil, nil))
	defer fc.CloseInput()
	require.NoError(t, fc.FindStreamInfo(nil))
	var st *astiav.Stream
	for _, s := range fc.Streams() {
		if s.CodecParameters().MediaType() == astiav.MediaTypeAudio {
			require.Nil(t, st, "more than one audio stream")
			st = s
		}
	}
	require.NotNil(t, st, "no audio stream")
	par := st.CodecParameters()
	d := decoded{format: fc.InputFormat().Name(), codec: par.CodecID(), sampleRate: par.SampleRate(), channels: par.ChannelLayout().NbChannels()}
	if st.Duration() > 0 {
		d.duration = float64(st.Duration()) * st.TimeBase().Float64()
	} else if fc.Duration() > 0 {
		d.duration = float64(fc.Duration()) / 1e6
	}

	codec := astiav.FindDecoder(par.CodecID())
	require.NotNil(t, codec)
	cc := astiav.AllocCodecContext(codec)
	defer cc.Free()
	require.NoError(t, par.ToCodecContext(cc))
	require.NoError(t, cc.Open(codec, nil))
	pkt, f := astiav.AllocPacket(), astiav.AllocFrame()
	defer pkt.Free()
	defer f.Free()
	drain := func() {
		for {
			err := cc.ReceiveFrame(f)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return
			}
			require.NoError(t, err)
			d.samples = append(d.samples, frameFloats(t, f)...)
			f.Unref()
		}
	}
	for {
		err := fc.ReadFrame(pkt)
		if errors.Is(err, astiav.ErrEof) {
			break
		}
		require.NoError(t, err)
		if pkt.StreamIndex() == st.Index() {
			require.NoError(t, cc.SendPacket(pkt))
			drain()
		}
		pkt.Unref()
	}
	require.NoError(t, cc.SendPacket(nil))
	drain()
	return d
}

// frameFloats reads a mono float or s16 frame.
func frameFloats(t *testing.T, f *astiav.Frame) []float64 {
	t.Helper()
	require.Equal(t, 1, f.ChannelLayout().NbChannels())
	b, err := packedSamples(f)
	require.NoError(t, err)
	var out []float64
	switch f.SampleFormat() {
	case astiav.SampleFormatFlt, astiav.SampleFormatFltp:
		for i := 0; i+4 <= len(b); i += 4 {
			out = append(out, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
		}
	case astiav.SampleFormatS16, astiav.SampleFormatS16P:
		for i := 0; i+2 <= len(b); i += 2 {
			out = append(out, float64(int16(binary.LittleEndian.Uint16(b[i:])))/32768)
		}
	default:
		t.Fatalf("unexpected decoded sample format %s", f.SampleFormat().Name())
	}
	return out
}
