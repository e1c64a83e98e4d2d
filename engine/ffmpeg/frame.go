package ffmpeg

/*
#cgo pkg-config: libavutil
#include <libavutil/frame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"strconv"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// frameTimestamp is the decoder's best-effort timestamp of f: its pts, or a
// guess from dts when the container gave no pts (AVI, raw streams).
func frameTimestamp(f *astiav.Frame) int64 {
	return int64((*C.AVFrame)(f.UnsafePointer()).best_effort_timestamp)
}

// framePlane returns plane i of f as a Go slice over the C buffer (valid
// until f is unreferenced) and its line size.
func framePlane(f *astiav.Frame, i int) ([]byte, int) {
	c := (*C.AVFrame)(f.UnsafePointer())
	stride := int(c.linesize[i])
	if c.data[i] == nil || stride <= 0 {
		return nil, 0
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(c.data[i])), stride*int(c.height)), stride
}

// frameShape identifies the input a conversion context was built for; a
// stream may change size or pixel format midway, and then it is rebuilt.
type frameShape struct {
	w, h int
	fmt  astiav.PixelFormat
}

func shapeOf(f *astiav.Frame) frameShape {
	return frameShape{f.Width(), f.Height(), f.PixelFormat()}
}

// cellScaler turns decoded frames into upright RGBA images of the cell's
// scaled size with a libavfilter graph: scale (which reads each frame's
// colour range and matrix, so limited-range video becomes full-range RGB)
// then, for rotated sources, transpose/flip on the small image.
type cellScaler struct {
	size     image.Point // upright output size
	rotation int         // clockwise degrees
	shape    frameShape
	graph    *astiav.FilterGraph
	src      *astiav.FilterContext
	sink     *astiav.FilterContext
	out      *astiav.Frame
}

func newCellScaler(size image.Point, rotation int) *cellScaler {
	return &cellScaler{size: size, rotation: rotation, out: astiav.AllocFrame()}
}

// filters is the graph description between the buffer source and sink.
func (s *cellScaler) filters() string {
	w, h := s.size.X, s.size.Y
	turn := ""
	switch s.rotation {
	case 90:
		w, h, turn = h, w, ",transpose=clock"
	case 180:
		turn = ",hflip,vflip"
	case 270:
		w, h, turn = h, w, ",transpose=cclock"
	}
	return fmt.Sprintf("scale=%d:%d:flags=bicubic,format=rgba%s", w, h, turn)
}

// build (re)creates the graph for frames shaped like f.
func (s *cellScaler) build(f *astiav.Frame, tb astiav.Rational) (err error) {
	s.freeGraph()
	s.shape = shapeOf(f)
	if s.graph = astiav.AllocFilterGraph(); s.graph == nil {
		return errors.New("ffmpeg: allocating filter graph failed")
	}
	s.graph.SetThreadCount(1)
	sar := f.SampleAspectRatio()
	if sar.Num() <= 0 || sar.Den() <= 0 {
		sar = astiav.NewRational(1, 1)
	}
	if s.src, err = s.graph.NewFilterContext(astiav.FindFilterByName("buffer"), "in", astiav.FilterArgs{
		"pix_fmt":      strconv.Itoa(int(f.PixelFormat())),
		"pixel_aspect": sar.String(),
		"time_base":    tb.String(),
		"video_size":   strconv.Itoa(f.Width()) + "x" + strconv.Itoa(f.Height()),
	}); err != nil {
		return fmt.Errorf("ffmpeg: creating buffer source: %w", err)
	}
	if s.sink, err = s.graph.NewFilterContext(astiav.FindFilterByName("buffersink"), "out", nil); err != nil {
		return fmt.Errorf("ffmpeg: creating buffer sink: %w", err)
	}
	return linkGraph(s.graph, s.src, s.sink, s.filters())
}

// scale converts f and calls use with the RGBA pixels (valid only during
// the call) and their line size.
func (s *cellScaler) scale(f *astiav.Frame, tb astiav.Rational, use func(pix []byte, stride int)) error {
	if s.graph == nil || shapeOf(f) != s.shape {
		if err := s.build(f, tb); err != nil {
			return err
		}
	}
	if err := s.src.BuffersrcAddFrame(f, astiav.NewBuffersrcFlags(astiav.BuffersrcFlagKeepRef)); err != nil {
		return fmt.Errorf("ffmpeg: filtering frame: %w", err)
	}
	for {
		if err := s.sink.BuffersinkGetFrame(s.out, astiav.NewBuffersinkFlags()); err != nil {
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			return fmt.Errorf("ffmpeg: filtering frame: %w", err)
		}
		if s.out.Width() != s.size.X || s.out.Height() != s.size.Y {
			s.out.Unref()
			return fmt.Errorf("ffmpeg: filter produced %dx%d, want %dx%d", s.out.Width(), s.out.Height(), s.size.X, s.size.Y)
		}
		pix, stride := framePlane(s.out, 0)
		use(pix, stride)
		s.out.Unref()
	}
}

func (s *cellScaler) freeGraph() {
	if s.graph != nil {
		s.graph.Free()
		s.graph = nil
	}
}

// close frees the graph and the output frame.
func (s *cellScaler) close() {
	s.freeGraph()
	s.out.Free()
}

// thumbnailer makes the 9×8 grayscale thumbnails dHash needs, with an
// area-averaging software scaler (the cheapest faithful downscale).
type thumbnailer struct {
	shape frameShape
	sws   *astiav.SoftwareScaleContext
	out   *astiav.Frame
	gray  [dhashW * dhashH]byte
}

func newThumbnailer() *thumbnailer { return &thumbnailer{out: astiav.AllocFrame()} }

// hash returns the dHash of f.
func (t *thumbnailer) hash(f *astiav.Frame) (uint64, error) {
	if t.sws == nil || shapeOf(f) != t.shape {
		if t.sws != nil {
			t.sws.Free()
			t.sws = nil
		}
		sws, err := astiav.CreateSoftwareScaleContext(f.Width(), f.Height(), f.PixelFormat(), dhashW, dhashH,
			astiav.PixelFormatGray8, astiav.NewSoftwareScaleContextFlags(astiav.SoftwareScaleContextFlagArea))
		if err != nil {
			return 0, fmt.Errorf("ffmpeg: creating thumbnail scaler: %w", err)
		}
		t.sws, t.shape = sws, shapeOf(f)
	}
	t.out.Unref()
	if err := t.sws.ScaleFrame(f, t.out); err != nil {
		return 0, fmt.Errorf("ffmpeg: making thumbnail: %w", err)
	}
	pix, stride := framePlane(t.out, 0)
	for y := 0; y < dhashH; y++ {
		copy(t.gray[y*dhashW:(y+1)*dhashW], pix[y*stride:])
	}
	return dhash(t.gray[:]), nil
}

func (t *thumbnailer) close() {
	if t.sws != nil {
		t.sws.Free()
	}
	t.out.Free()
}
