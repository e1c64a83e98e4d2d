package ffmpeg

/*
#cgo pkg-config: libavcodec
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// encoder is one open output encoder bound to its muxer stream.
type encoder struct {
	cc     *astiav.CodecContext
	codec  *astiav.Codec
	stream *astiav.Stream
	mux    *muxer
	pkt    *astiav.Packet
}

// newEncoder allocates a codec context for the encoder named name; the
// caller sets its parameters, then calls open.
func newEncoder(name string, mux *muxer, c *astikit.Closer) (*encoder, error) {
	codec := astiav.FindEncoderByName(name)
	if codec == nil {
		return nil, fmt.Errorf("ffmpeg: encoder %s is not available in this FFmpeg build", name)
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("ffmpeg: allocating encoder context failed")
	}
	c.Add(cc.Free)
	pkt := astiav.AllocPacket()
	c.Add(pkt.Free)
	if mux.fc.OutputFormat().Flags().Has(astiav.IOFormatFlagGlobalheader) {
		cc.SetFlags(cc.Flags().Add(astiav.CodecContextFlagGlobalHeader))
	}
	return &encoder{cc: cc, codec: codec, mux: mux, pkt: pkt}, nil
}

// open opens the encoder with private and generic options and creates its
// output stream from the resulting parameters.
func (e *encoder) open(opts map[string]string, tag astiav.CodecTag) error {
	d := astiav.NewDictionary()
	defer d.Free()
	for k, v := range opts {
		if err := d.Set(k, v, astiav.NewDictionaryFlags()); err != nil {
			return fmt.Errorf("ffmpeg: encoder option %s=%s: %w", k, v, err)
		}
	}
	if err := e.cc.Open(e.codec, d); err != nil {
		return fmt.Errorf("ffmpeg: opening encoder %s: %w", e.codec.Name(), err)
	}
	st, err := e.mux.addStream(e.cc, tag)
	if err != nil {
		return err
	}
	e.stream = st
	return nil
}

// encode sends f (nil flushes) and writes every packet it yields.
func (e *encoder) encode(f *astiav.Frame) error {
	if err := e.cc.SendFrame(f); err != nil {
		return fmt.Errorf("ffmpeg: %s: sending frame: %w", e.codec.Name(), err)
	}
	for {
		if err := e.cc.ReceivePacket(e.pkt); err != nil {
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			return fmt.Errorf("ffmpeg: %s: receiving packet: %w", e.codec.Name(), err)
		}
		// write hands the packet to the interleaver, which takes its data
		// and leaves it blank; Unref covers the error path.
		err := e.mux.write(e.pkt, e.stream, e.cc.TimeBase())
		e.pkt.Unref()
		if err != nil {
			return err
		}
	}
}

// acceptsShortFrames reports whether the encoder takes a last (or any)
// frame shorter than its frame size; AC-3, for one, does not.
func (e *encoder) acceptsShortFrames() bool {
	caps := (*(**C.AVCodec)(unsafe.Pointer(e.codec))).capabilities
	return caps&(C.AV_CODEC_CAP_SMALL_LAST_FRAME|C.AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0
}
