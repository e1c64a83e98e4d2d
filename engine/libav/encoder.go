package libav

/*
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// Encoder is one output encoder bound to its muxer stream: a libavcodec
// encoder (Codec), or an encoder libavcodec lacks (a FrameCodec, Codec nil).
type Encoder struct {
	*astiav.CodecContext
	Codec  *astiav.Codec
	ext    FrameCodec
	stream *astiav.Stream
	mux    *Muxer
	pkt    *astiav.Packet
}

// FrameCodec is an encoder outside libavcodec (engine/amr's Codec) driven
// like one: Context describes the encoded stream and the input frame shape
// (it is never opened), SendFrame and ReceivePacket behave as libavcodec's,
// and it takes a last frame shorter than its frame size.
type FrameCodec interface {
	Name() string
	Context() *astiav.CodecContext
	SendFrame(*astiav.Frame) error
	ReceivePacket(*astiav.Packet) error
}

// NewFrameEncoder binds x to a new stream of mux; x stays owned by the
// caller, the encoder's packet by c.
func NewFrameEncoder(x FrameCodec, mux *Muxer, c *astikit.Closer) (*Encoder, error) {
	st, err := mux.addStream(x.Context(), 0)
	if err != nil {
		return nil, err
	}
	pkt := astiav.AllocPacket()
	c.Add(pkt.Free)
	return &Encoder{CodecContext: x.Context(), ext: x, stream: st, mux: mux, pkt: pkt}, nil
}

// Name is the encoder's name, as FFmpeg names it.
func (e *Encoder) Name() string {
	if e.ext != nil {
		return e.ext.Name()
	}
	return e.Codec.Name()
}

// NewEncoder allocates a codec context for the encoder named name, owned
// by c; the caller sets its parameters, then calls Open.
func NewEncoder(name string, mux *Muxer, c *astikit.Closer) (*Encoder, error) {
	codec := astiav.FindEncoderByName(name)
	if codec == nil {
		return nil, fmt.Errorf("libav: encoder %s is not available in this FFmpeg build", name)
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("libav: allocating encoder context failed")
	}
	c.Add(cc.Free)
	pkt := astiav.AllocPacket()
	c.Add(pkt.Free)
	if mux.fc.OutputFormat().Flags().Has(astiav.IOFormatFlagGlobalheader) {
		cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	}
	return &Encoder{CodecContext: cc, Codec: codec, mux: mux, pkt: pkt}, nil
}

// Open opens the encoder with private and generic options and creates its
// output stream, with codec tag tag (0: the muxer's default), from the
// resulting parameters.
func (e *Encoder) Open(opts map[string]string, tag astiav.CodecTag) error {
	d, err := dictionary(opts)
	if err != nil {
		return fmt.Errorf("libav: encoder %w", err)
	}
	defer d.Free()
	if err := e.CodecContext.Open(e.Codec, d); err != nil {
		return fmt.Errorf("libav: opening encoder %s: %w", e.Codec.Name(), err)
	}
	st, err := e.mux.addStream(e.CodecContext, tag)
	if err != nil {
		return err
	}
	e.stream = st
	return nil
}

// Encode sends f (nil flushes) and writes every packet it yields.
func (e *Encoder) Encode(f *astiav.Frame) error {
	send, receive := e.SendFrame, e.ReceivePacket
	if e.ext != nil {
		send, receive = e.ext.SendFrame, e.ext.ReceivePacket
	}
	if err := send(f); err != nil {
		return fmt.Errorf("libav: %s: sending frame: %w", e.Name(), err)
	}
	forwardEmpty := forwardsSideDataPacket(e.mux.fc.OutputFormat().Name())
	for {
		if err := receive(e.pkt); err != nil {
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			return fmt.Errorf("libav: %s: receiving packet: %w", e.Name(), err)
		}
		if e.pkt.Size() == 0 && !forwardEmpty {
			e.pkt.Unref() // side data only (FLAC's final STREAMINFO): see forwardsSideDataPacket
			continue
		}
		// write hands the packet to the interleaver, which takes its data
		// and leaves it blank; Unref covers the error path.
		err := e.mux.write(e.pkt, e.stream, e.TimeBase())
		e.pkt.Unref()
		if err != nil {
			return err
		}
	}
}

// AcceptsShortFrames reports whether the encoder takes a last (or any)
// frame shorter than its frame size; AC-3, for one, does not.
func (e *Encoder) AcceptsShortFrames() bool {
	if e.ext != nil {
		return true
	}
	caps := cCodec(e.Codec).capabilities
	return caps&(C.AV_CODEC_CAP_SMALL_LAST_FRAME|C.AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0
}
