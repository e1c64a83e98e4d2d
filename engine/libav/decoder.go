package libav

/*
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
)

// Decoder is an open decoder for one stream of an Input. It is freed by the
// Input's Close. SendPacket and ReceiveFrame are the codec context's, with
// the input's pixel budget applied (budget.go).
type Decoder struct {
	*astiav.CodecContext
	Stream *astiav.Stream

	in      *Input
	checked bool // the first frame's size was checked against the budget
}

// OpenDecoder opens a decoder for s with the given thread budget (frame and
// slice threading) and extra AVCodecContext options, e.g.
// {"skip_frame": "nokey"} to decode keyframes only. A video stream over the
// input's pixel budget is refused before anything is allocated, and the
// decoder gets the budget as max_pixels, so libav refuses larger frames.
func (in *Input) OpenDecoder(s *astiav.Stream, threads int, opts map[string]string) (*Decoder, error) {
	if err := in.CheckPixels(s); err != nil {
		return nil, err
	}
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

	if mp := decoderMaxPixels(in.maxPixels); mp > 0 && par.MediaType() == astiav.MediaTypeVideo {
		opts = maps.Clone(opts)
		if opts == nil {
			opts = map[string]string{}
		}
		opts["max_pixels"] = strconv.FormatInt(mp, 10)
	}
	d, err := dictionary(opts)
	if err != nil {
		return nil, fmt.Errorf("libav: decoder %w", err)
	}
	defer d.Free()
	if err := cc.Open(codec, d); err != nil {
		return nil, osserr.Wrap(osserr.InvalidMedia, err, "object %s: opening the %s decoder failed: %v", in.Name, codec.Name(), err)
	}
	return &Decoder{CodecContext: cc, Stream: s, in: in}, nil
}

// SendPacket feeds the decoder (nil drains it). An error while the
// decoder's picture size is over the budget (libav refused the frame
// buffer) is the budget's InvalidMedia.
func (d *Decoder) SendPacket(p *astiav.Packet) error {
	return d.budgetError(d.CodecContext.SendPacket(p))
}

// ReceiveFrame takes the next decoded frame. The first frame of a video
// stream is checked against the budget: a stream may be larger than its
// codec parameters said.
func (d *Decoder) ReceiveFrame(f *astiav.Frame) error {
	err := d.CodecContext.ReceiveFrame(f)
	if err != nil {
		return d.budgetError(err)
	}
	if !d.checked && d.Stream.CodecParameters().MediaType() == astiav.MediaTypeVideo {
		d.checked = true
		if err := d.in.checkPixels(f.Width(), f.Height()); err != nil {
			f.Unref()
			return err
		}
	}
	return nil
}

// budgetError turns a decoding failure into the budget's refusal when the
// picture size the decoder is working at exceeds it.
func (d *Decoder) budgetError(err error) error {
	if err == nil || errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) ||
		d.Stream.CodecParameters().MediaType() != astiav.MediaTypeVideo {
		return err
	}
	if e := d.in.checkPixels(d.Width(), d.Height()); e != nil {
		return e
	}
	return err
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
