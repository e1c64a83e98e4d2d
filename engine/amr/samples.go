package amr

/*
#cgo pkg-config: libavutil
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// packedSamples is a view of the samples of a packed (interleaved) audio
// frame: nb_samples × channels values of the frame's sample format, in
// libav's buffer (valid while the frame is). go-astiav v0.16.0 exposes no
// audio sample data, hence the cgo.
func packedSamples(f *astiav.Frame) ([]byte, error) {
	cf := (*C.AVFrame)(f.UnsafePointer())
	sf := C.enum_AVSampleFormat(cf.format)
	if C.av_sample_fmt_is_planar(sf) != 0 && cf.ch_layout.nb_channels > 1 {
		return nil, fmt.Errorf("amr: planar %d-channel frame: want packed samples", int(cf.ch_layout.nb_channels))
	}
	n := int(cf.nb_samples) * int(cf.ch_layout.nb_channels) * int(C.av_get_bytes_per_sample(sf))
	if n == 0 || cf.data[0] == nil {
		return nil, nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(cf.data[0])), n), nil
}

// s16 views packed 16-bit bytes as samples (both are host-endian).
func s16(b []byte) []int16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}
