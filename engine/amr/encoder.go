package amr

/*
#cgo pkg-config: opencore-amrnb vo-amrwbenc
#include <opencore-amrnb/interf_enc.h>
#include <vo-amrwbenc/enc_if.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// maxFrameBytes bounds one stored frame of either variant (61 bytes for
// AMR-WB 23.85 kbps); the libraries write into a buffer this large.
const maxFrameBytes = 64

// Encoder is one AMR encoder. It owns the library's C state, which Close
// releases; an Encoder is not safe for concurrent use.
type Encoder struct {
	v     Variant
	mode  int
	state unsafe.Pointer // opencore-amrnb or vo-amrwbenc state
	in    [320]int16     // private copy of the input frame, see Encode
	out   [maxFrameBytes]byte
}

// NewEncoder opens an encoder of variant v at the speech mode nearest to
// bitrate (0: the highest mode). Discontinuous transmission is off: every
// 20 ms gets a speech frame, so the output lasts exactly as long as the
// input.
func NewEncoder(v Variant, bitrate int64) (*Encoder, error) {
	e := &Encoder{v: v, mode: v.Mode(bitrate)}
	switch v {
	case NB:
		e.state = C.Encoder_Interface_init(0)
	case WB:
		e.state = C.E_IF_init()
	default:
		return nil, fmt.Errorf("amr: unknown variant %d", v)
	}
	if e.state == nil {
		return nil, fmt.Errorf("amr: initialising the %s encoder failed", v)
	}
	return e, nil
}

// Variant is the encoder's variant.
func (e *Encoder) Variant() Variant { return e.v }

// Bitrate is the bitrate of the speech mode in use, in bps.
func (e *Encoder) Bitrate() int64 { return e.v.ModeBitrate(e.mode) }

// Encode codes exactly FrameSamples samples of mono 16-bit speech into one
// stored frame (TOC byte first), appended to dst.
func (e *Encoder) Encode(dst []byte, pcm []int16) ([]byte, error) {
	if e.state == nil {
		return dst, errors.New("amr: encoder is closed")
	}
	if len(pcm) != e.v.FrameSamples() {
		return dst, fmt.Errorf("amr: %s frame needs %d samples, got %d", e.v, e.v.FrameSamples(), len(pcm))
	}
	// opencore-amrnb's pre-processing filters its input in place although
	// the prototype says const: the caller's samples are copied first.
	copy(e.in[:], pcm)
	speech := (*C.short)(unsafe.Pointer(&e.in[0]))
	out := (*C.uchar)(unsafe.Pointer(&e.out[0]))
	var n C.int
	if e.v == WB {
		n = C.E_IF_encode(e.state, C.int(e.mode), speech, out, 0)
	} else {
		n = C.Encoder_Interface_Encode(e.state, C.enum_Mode(e.mode), speech, out, 0)
	}
	if int(n) != e.v.storageSize(e.mode) {
		return dst, fmt.Errorf("amr: %s encoder wrote %d bytes for mode %d, want %d", e.v, int(n), e.mode, e.v.storageSize(e.mode))
	}
	return append(dst, e.out[:n]...), nil
}

// Close releases the C state; it may be called more than once.
func (e *Encoder) Close() {
	if e == nil || e.state == nil {
		return
	}
	if e.v == WB {
		C.E_IF_exit(e.state)
	} else {
		C.Encoder_Interface_exit(e.state)
	}
	e.state = nil
}
