package ffmpeg

/*
#cgo pkg-config: libavformat libavcodec libavutil
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// ioBufferSize is the custom AVIO buffer. go-astiav allocates a Go slice of
// this size on every read callback, so a large buffer keeps the number of
// cgo round trips (and allocations) low.
const ioBufferSize = 256 << 10

// Input is one storage object opened for demuxing. Local objects are opened
// by path so libav reads the file itself; any other backend is read through a
// custom AVIO context over storage.Object, whose Seek lets the MP4 demuxer
// reach an index stored at the end of the file. Close frees everything in
// reverse order of allocation, decoders included.
type Input struct {
	Name   string // "bucket/key", used in error messages
	Format *astiav.FormatContext

	obj     storage.Object // nil when libav opened a local path
	readErr error          // first storage error met by the AVIO callbacks
	closers []func()
}

// OpenInput opens bucket/key from store and probes its streams. A missing
// object returns the backend's error; an object libav cannot read as media
// returns InvalidMedia naming it; a storage read failure is transient.
// Cancelling ctx interrupts blocking libav I/O.
func OpenInput(ctx context.Context, store storage.Backend, bucket, key string) (in *Input, err error) {
	in = &Input{Name: bucket + "/" + key}
	defer func() {
		if err != nil {
			in.Close()
			in = nil
		}
	}()

	url := ""
	if lp, ok := store.(storage.LocalPather); ok {
		if url, err = lp.LocalPath(ctx, bucket, key); err != nil {
			return in, err
		}
	} else if in.obj, err = store.GetObject(ctx, bucket, key); err != nil {
		return in, err
	} else {
		in.closers = append(in.closers, func() { in.obj.Close() })
	}

	if in.Format = astiav.AllocFormatContext(); in.Format == nil {
		return in, errors.New("ffmpeg: allocating format context failed")
	}
	in.closers = append(in.closers, in.Format.Free)

	intr := in.Format.SetInterruptCallback()
	stop := context.AfterFunc(ctx, intr.Interrupt)
	in.closers = append(in.closers, func() { stop() })

	if in.obj != nil {
		pb, err := astiav.AllocIOContext(ioBufferSize, false, in.read, in.seek, nil)
		if err != nil {
			return in, fmt.Errorf("ffmpeg: allocating io context: %w", err)
		}
		in.closers = append(in.closers, pb.Free)
		in.Format.SetPb(pb)
	}

	if err := in.Format.OpenInput(url, nil, nil); err != nil {
		return in, in.mediaError(ctx, err, "cannot be opened as media")
	}
	in.closers = append(in.closers, in.Format.CloseInput)
	if err := in.Format.FindStreamInfo(nil); err != nil {
		return in, in.mediaError(ctx, err, "has no readable stream information")
	}
	return in, nil
}

// read is the AVIO read callback. go-astiav drops the byte count when an
// error is returned, so data is always returned first and EOF on the next call.
func (in *Input) read(b []byte) (int, error) {
	n, err := in.obj.Read(b)
	if n > 0 {
		return n, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return 0, astiav.ErrEof
	}
	if in.readErr == nil {
		in.readErr = err
	}
	return 0, astiav.ErrEio
}

// seek is the AVIO seek callback; AVSEEK_SIZE asks for the object size.
func (in *Input) seek(offset int64, whence int) (int64, error) {
	if whence&C.AVSEEK_SIZE != 0 {
		return in.obj.Info().Size, nil
	}
	n, err := in.obj.Seek(offset, whence&^C.AVSEEK_FORCE)
	if err != nil {
		if in.readErr == nil {
			in.readErr = err
		}
		return 0, astiav.ErrEio
	}
	return n, nil
}

// mediaError classifies a libav failure: cancellation and storage errors win
// over "this is not media", which is permanent.
func (in *Input) mediaError(ctx context.Context, err error, what string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if in.readErr != nil {
		return osserr.Transient(fmt.Errorf("reading %s: %w", in.Name, in.readErr))
	}
	return osserr.Wrap(osserr.InvalidMedia, err, "object %s %s: %v", in.Name, what, err)
}

// ReadError converts an error from ReadFrame into what the task should fail
// with: nil for the end of the stream, a transient storage error, or
// InvalidMedia for a corrupt file.
func (in *Input) ReadError(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, astiav.ErrEof) {
		if in.readErr != nil {
			return in.mediaError(ctx, err, "could not be read")
		}
		return nil
	}
	return in.mediaError(ctx, err, "is corrupt")
}

// BestStream returns libav's choice of the main stream of type t (it skips
// cover art and prefers default, well-probed streams), or nil if none.
func (in *Input) BestStream(t astiav.MediaType) *astiav.Stream {
	i := int(C.av_find_best_stream(cFormat(in.Format), C.enum_AVMediaType(t), -1, -1, nil, 0))
	if i < 0 {
		return nil
	}
	return in.Format.Streams()[i]
}

// MainStream is the stream of type t an engine should use: libav's best
// one when this build can decode it, else the first such stream it can
// (a phone's extra track in a codec FFmpeg 5.1 lacks); never cover art (an
// MP3's attached picture is not video). nil when there is none.
func (in *Input) MainStream(t astiav.MediaType) *astiav.Stream {
	usable := func(s *astiav.Stream) bool {
		par := s.CodecParameters()
		return par.MediaType() == t && astiav.FindDecoder(par.CodecID()) != nil && !attachedPicture(s)
	}
	if s := in.BestStream(t); s != nil && usable(s) {
		return s
	}
	for _, s := range in.Format.Streams() {
		if usable(s) {
			return s
		}
	}
	return nil
}

// attachedPicture reports a cover-art stream (v0.16.0 does not expose the
// disposition).
func attachedPicture(s *astiav.Stream) bool {
	return (*(**C.AVStream)(unsafe.Pointer(s))).disposition&C.AV_DISPOSITION_ATTACHED_PIC != 0
}

// Duration is the media duration: the container's, else the stream's, else 0
// (unknown; the caller must then scan packets if it needs it).
func (in *Input) Duration(s *astiav.Stream) time.Duration {
	if d := in.Format.Duration(); d > 0 {
		return time.Duration(d) * time.Microsecond
	}
	if s != nil && s.Duration() > 0 {
		return Timestamp(s.Duration(), s.TimeBase())
	}
	return 0
}

// DurationGuessed reports that libav only estimated the duration from the
// bitrate (raw streams without an index): it may be far off, so it must not
// be used to judge whether the data is complete.
func (in *Input) DurationGuessed() bool {
	return cFormat(in.Format).duration_estimation_method == C.AVFMT_DURATION_FROM_BITRATE
}

// StartTime is the stream timestamp that counts as 0 for ss/t parameters:
// the container's start time (as ffmpeg -ss uses it) rescaled to s.
func (in *Input) StartTime(s *astiav.Stream) int64 {
	if st := in.Format.StartTime(); st != C.AV_NOPTS_VALUE {
		return astiav.RescaleQ(st, astiav.NewRational(1, C.AV_TIME_BASE), s.TimeBase())
	}
	if st := s.StartTime(); st != C.AV_NOPTS_VALUE {
		return st
	}
	return 0
}

// Timestamp converts ts in time base tb to a duration.
func Timestamp(ts int64, tb astiav.Rational) time.Duration {
	return time.Duration(float64(ts) * float64(tb.Num()) / float64(tb.Den()) * float64(time.Second))
}

// NoPTS is libav's "no timestamp" value.
const NoPTS int64 = C.AV_NOPTS_VALUE

// Rotation returns how many degrees clockwise (0, 90, 180 or 270) a stream's
// frames must be turned to display upright: the display matrix side data
// (what phones write), else the legacy "rotate" tag. This is the angle the
// ffmpeg CLI's autorotation uses.
func Rotation(s *astiav.Stream) int {
	deg := 0.0
	if b := s.SideData(astiav.PacketSideDataTypeDisplaymatrix); len(b) >= 36 {
		if m, err := astiav.NewDisplayMatrixFromBytes(b); err == nil {
			deg = m.Rotation()
		}
	} else if md := s.Metadata(); md != nil { // nil when the stream has no tags at all
		if e := md.Get("rotate", nil, astiav.NewDictionaryFlags()); e != nil {
			deg, _ = strconv.ParseFloat(e.Value(), 64)
		}
	}
	if math.IsNaN(deg) {
		return 0
	}
	r := int(math.Round(deg/90)) * 90 % 360
	if r < 0 {
		r += 360
	}
	return r
}

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
		return nil, errors.New("ffmpeg: allocating codec context failed")
	}
	in.closers = append(in.closers, cc.Free)
	if err := par.ToCodecContext(cc); err != nil {
		return nil, osserr.Wrap(osserr.InvalidMedia, err, "object %s: bad codec parameters in stream %d: %v", in.Name, s.Index(), err)
	}
	cc.SetThreadCount(max(threads, 1))
	cc.SetThreadType(astiav.ThreadTypeFrame | astiav.ThreadTypeSlice)
	cCodec(cc).pkt_timebase = C.AVRational{C.int(s.TimeBase().Num()), C.int(s.TimeBase().Den())}

	d := astiav.NewDictionary()
	defer d.Free()
	for k, v := range opts {
		if err := d.Set(k, v, astiav.NewDictionaryFlags()); err != nil {
			return nil, fmt.Errorf("ffmpeg: decoder option %s: %w", k, err)
		}
	}
	if err := cc.Open(codec, d); err != nil {
		return nil, osserr.Wrap(osserr.InvalidMedia, err, "object %s: opening the %s decoder failed: %v", in.Name, codec.Name(), err)
	}
	return &Decoder{CodecContext: cc, Stream: s}, nil
}

// Flush drops the decoder's buffered frames and state; call it after a seek.
func (d *Decoder) Flush() { C.avcodec_flush_buffers(cCodec(d.CodecContext)) }

// Close frees everything OpenInput and OpenDecoder allocated, in reverse order.
func (in *Input) Close() {
	for i := len(in.closers) - 1; i >= 0; i-- {
		in.closers[i]()
	}
	in.closers = nil
}

// cFormat and cCodec reach the C structs go-astiav v0.16.0 wraps but does not
// expose (it lacks av_find_best_stream, avcodec_flush_buffers and
// pkt_timebase). Each wrapper is a struct whose first field is the C pointer;
// go.mod pins the version and input_test.go checks the layout.
func cFormat(fc *astiav.FormatContext) *C.AVFormatContext {
	return *(**C.AVFormatContext)(unsafe.Pointer(fc))
}

func cCodec(cc *astiav.CodecContext) *C.AVCodecContext {
	return *(**C.AVCodecContext)(unsafe.Pointer(cc))
}
