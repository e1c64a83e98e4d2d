package libav

/*
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
)

// Decoder is an open decoder for one stream of an Input. It is freed by the
// Input's Close.
type Decoder struct {
	*astiav.CodecContext
	Stream *astiav.Stream
}

// OpenDecoder opens a decoder for s with the given thread budget (frame and
// slice threading) and extra AVCodecContext options, e.g.
// {"skip_frame": "nokey"} to decode keyframes only.
func (in *Input) OpenDecoder(s *astiav.Stream, threads int, opts map[string]string) (*Decoder, error) {
	par := s.CodecParameters()
	codec := astiav.FindDecoder(par.CodecID())
	if codec == nil {
		return nil, osserr.New(osserr.InvalidMedia, "object %s: no decoder for codec %s of stream %d", in.Name, par.CodecID(), s.Index())
	}
	cc := astiav.AllocCodecContext(codec)
	if cc == nil {
		return nil, errors.New("libav: allocating codec context failed")
	}
	in.c.Add(cc.Free)
	if err := par.ToCodecContext(cc); err != nil {
		return nil, osserr.Wrap(osserr.InvalidMedia, err, "object %s: bad codec parameters in stream %d: %v", in.Name, s.Index(), err)
	}
	cc.SetThreadCount(max(threads, 1))
	cc.SetThreadType(astiav.ThreadTypeFrame | astiav.ThreadTypeSlice)
	cCodecContext(cc).pkt_timebase = C.AVRational{C.int(s.TimeBase().Num()), C.int(s.TimeBase().Den())}

	d, err := dictionary(opts)
	if err != nil {
		return nil, fmt.Errorf("libav: decoder %w", err)
	}
	defer d.Free()
	if err := cc.Open(codec, d); err != nil {
		return nil, osserr.Wrap(osserr.InvalidMedia, err, "object %s: opening the %s decoder failed: %v", in.Name, codec.Name(), err)
	}
	return &Decoder{CodecContext: cc, Stream: s}, nil
}

// Flush drops the decoder's buffered frames and state; call it after a seek.
func (d *Decoder) Flush() { C.avcodec_flush_buffers(cCodecContext(d.CodecContext)) }

// dictionary is opts as a libav dictionary, which the caller frees.
func dictionary(opts map[string]string) (*astiav.Dictionary, error) {
	d := astiav.NewDictionary()
	for k, v := range opts {
		if err := d.Set(k, v, astiav.NewDictionaryFlags()); err != nil {
			d.Free()
			return nil, fmt.Errorf("option %s=%s: %w", k, v, err)
		}
	}
	return d, nil
}
