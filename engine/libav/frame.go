package libav

/*
#include <libavutil/frame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// cFrame is the AVFrame go-astiav hands out through UnsafePointer.
func cFrame(f *astiav.Frame) *C.AVFrame { return (*C.AVFrame)(f.UnsafePointer()) }

// BestEffortTimestamp is the decoder's best-effort timestamp of f: its
// pts, or a guess from dts when the container gave no pts (AVI, raw
// streams).
func BestEffortTimestamp(f *astiav.Frame) int64 {
	return int64(cFrame(f).best_effort_timestamp)
}

// PacketDuration is the duration of the packet f was decoded from, in the
// stream's time base; 0 when unknown.
func PacketDuration(f *astiav.Frame) int64 {
	return int64(cFrame(f).pkt_duration)
}

// Plane returns plane i of f as a Go slice over the C buffer (valid until
// f is unreferenced) and its line size.
func Plane(f *astiav.Frame, i int) ([]byte, int) {
	c := cFrame(f)
	stride := int(c.linesize[i])
	if c.data[i] == nil || stride <= 0 {
		return nil, 0
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(c.data[i])), stride*int(c.height)), stride
}

// BlackFrame allocates a frame of black of the given size and pixel
// format, with square pixels, owned by c.
func BlackFrame(w, h int, pf astiav.PixelFormat, c *astikit.Closer) (*astiav.Frame, error) {
	f := astiav.AllocFrame()
	if f == nil {
		return nil, errors.New("libav: allocating frame failed")
	}
	c.Add(f.Free)
	f.SetWidth(w)
	f.SetHeight(h)
	f.SetPixelFormat(pf)
	f.SetSampleAspectRatio(astiav.NewRational(1, 1))
	if err := f.AllocBuffer(0); err != nil {
		return nil, fmt.Errorf("libav: allocating black frame: %w", err)
	}
	if err := f.ImageFillBlack(); err != nil {
		return nil, fmt.Errorf("libav: filling black frame: %w", err)
	}
	return f, nil
}
