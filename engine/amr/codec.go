package amr

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"
)

// Codec drives an Encoder the way libavcodec drives its encoders, so an
// engine treats AMR like any other audio codec: it resamples and downmixes
// to the shape Context describes (S16, mono, the variant's rate), sends
// frames with SendFrame (nil flushes), takes packets with ReceivePacket
// until astiav.ErrEagain (or astiav.ErrEof once flushed) and writes them to
// a muxer stream whose parameters come from Context.
//
// Frames may hold any number of samples: Codec cuts them into 20 ms AMR
// frames itself and pads the last one with silence on flush. Each packet
// is one stored AMR frame (TOC byte first) with pts, dts and duration in
// Context's time base (1/sample rate); pts follow the first frame's pts
// sample by sample.
type Codec struct {
	enc     *Encoder
	ctx     *astiav.CodecContext
	pcm     []int16 // samples waiting for a whole AMR frame
	pts     int64   // pts of pcm[0]; 0 until a frame carries one
	pending []packet
	eof     bool // flushed: no frame may follow
}

type packet struct {
	data []byte
	pts  int64
}

// NewCodec opens an encoder of variant v at the mode nearest to bitrate
// (0: the highest) and its stream description. Close releases both.
func NewCodec(v Variant, bitrate int64) (*Codec, error) {
	enc, err := NewEncoder(v, bitrate)
	if err != nil {
		return nil, err
	}
	ctx, err := streamContext(v, enc.Bitrate())
	if err != nil {
		enc.Close()
		return nil, err
	}
	return &Codec{enc: enc, ctx: ctx}, nil
}

// streamContext is an unopened codec context that describes the encoded
// stream, as an opened libavcodec encoder's context would: codec id, rate,
// mono layout, S16 input, frame size, bitrate, time base 1/rate.
func streamContext(v Variant, bitrate int64) (*astiav.CodecContext, error) {
	par := astiav.AllocCodecParameters()
	if par == nil {
		return nil, errors.New("amr: allocating codec parameters failed")
	}
	defer par.Free()
	par.SetMediaType(astiav.MediaTypeAudio)
	par.SetCodecID(v.CodecID())
	par.SetSampleRate(v.SampleRate())
	par.SetChannelLayout(astiav.ChannelLayoutMono)
	par.SetSampleFormat(astiav.SampleFormatS16)
	par.SetFrameSize(v.FrameSamples())
	ctx := astiav.AllocCodecContext(nil)
	if ctx == nil {
		return nil, errors.New("amr: allocating codec context failed")
	}
	if err := par.ToCodecContext(ctx); err != nil {
		ctx.Free()
		return nil, fmt.Errorf("amr: describing the %s stream: %w", v, err)
	}
	ctx.SetBitRate(bitrate)
	ctx.SetTimeBase(astiav.NewRational(1, v.SampleRate()))
	return ctx, nil
}

// Name is the name FFmpeg gives this encoder when it is built in.
func (c *Codec) Name() string {
	if c.enc.v == WB {
		return "libvo_amrwbenc"
	}
	return "libopencore_amrnb"
}

// Variant is the codec's variant.
func (c *Codec) Variant() Variant { return c.enc.v }

// Context describes the encoded stream: give it to the muxer's stream
// (avcodec_parameters_from_context) and take the input frame shape from it.
// It is never opened; Codec owns it.
func (c *Codec) Context() *astiav.CodecContext { return c.ctx }

// SendFrame queues f's samples (S16, mono, the variant's rate) and codes
// every whole AMR frame; nil flushes the remainder, padded with silence.
func (c *Codec) SendFrame(f *astiav.Frame) error {
	if c.eof {
		return astiav.ErrEof
	}
	if f == nil {
		c.eof = true
		if len(c.pcm) > 0 {
			c.pcm = append(c.pcm, make([]int16, c.enc.v.FrameSamples()-len(c.pcm))...)
			return c.code()
		}
		return nil
	}
	if err := c.checkShape(f); err != nil {
		return err
	}
	data, err := packedSamples(f)
	if err != nil {
		return err
	}
	if len(c.pcm) == 0 && f.Pts() != astiav.NoPtsValue {
		c.pts = f.Pts()
	}
	c.pcm = append(c.pcm, s16(data)...)
	return c.code()
}

func (c *Codec) checkShape(f *astiav.Frame) error {
	v := c.enc.v
	if f.SampleFormat() != astiav.SampleFormatS16 || f.ChannelLayout().NbChannels() != 1 || f.SampleRate() != v.SampleRate() {
		return fmt.Errorf("amr: %s takes s16 mono %d Hz frames, got %s %d channel(s) %d Hz",
			v, v.SampleRate(), f.SampleFormat().Name(), f.ChannelLayout().NbChannels(), f.SampleRate())
	}
	return nil
}

// code encodes every whole frame in pcm into pending packets.
func (c *Codec) code() error {
	n := c.enc.v.FrameSamples()
	done := 0
	for ; len(c.pcm)-done >= n; done += n {
		data, err := c.enc.Encode(nil, c.pcm[done:done+n])
		if err != nil {
			return err
		}
		c.pending = append(c.pending, packet{data: data, pts: c.pts})
		c.pts += int64(n)
	}
	c.pcm = append(c.pcm[:0], c.pcm[done:]...)
	return nil
}

// ReceivePacket moves the next coded frame into pkt: astiav.ErrEagain when
// more input is needed, astiav.ErrEof when flushed and drained.
func (c *Codec) ReceivePacket(pkt *astiav.Packet) error {
	if len(c.pending) == 0 {
		if c.eof {
			return astiav.ErrEof
		}
		return astiav.ErrEagain
	}
	p := c.pending[0]
	if err := pkt.FromData(p.data); err != nil {
		return fmt.Errorf("amr: filling packet: %w", err)
	}
	c.pending = c.pending[1:]
	pkt.SetPts(p.pts)
	pkt.SetDts(p.pts)
	pkt.SetDuration(int64(c.enc.v.FrameSamples()))
	pkt.SetFlags(pkt.Flags().Add(astiav.PacketFlagKey))
	return nil
}

// Close releases the encoder and the stream description; it may be called
// more than once.
func (c *Codec) Close() {
	if c == nil {
		return
	}
	if c.ctx != nil {
		c.ctx.Free()
		c.ctx = nil
	}
	c.enc.Close()
}
