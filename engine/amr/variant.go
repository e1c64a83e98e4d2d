// Package amr encodes AMR-NB (8 kHz) and AMR-WB (16 kHz) speech, which
// Debian's FFmpeg 5.1 decodes but cannot encode: AMR-NB through
// libopencore-amrnb, AMR-WB through libvo-amrwbenc, both through cgo.
//
// Encoder turns 20 ms of mono S16 samples into one AMR frame in the
// storage format of RFC 4867 §5 (a TOC byte, then the speech bits), the
// form FFmpeg's amr muxer, its MP4/3GP/MOV muxers and its amrnb/amrwb
// decoders expect. Codec wraps an Encoder in libavcodec's shape (frames in,
// packets with pts and duration out) so an engine can hand the packets to
// a libavformat muxer like any other encoder's.
package amr

import (
	"fmt"

	"github.com/asticode/go-astiav"
)

// Variant is AMR narrowband or wideband.
type Variant int

// Variants.
const (
	NB Variant = iota // AMR-NB: 8 kHz, 160 samples a frame, 4.75–12.2 kbps
	WB                // AMR-WB: 16 kHz, 320 samples a frame, 6.6–23.85 kbps
)

// FrameDuration is the length of every AMR frame, in both variants: 20 ms.
const FrameDuration = 20 // milliseconds

// ForSampleRate is the variant that codes audio at rate (8000 → NB,
// 16000 → WB).
func ForSampleRate(rate int) (Variant, error) {
	switch rate {
	case 8000:
		return NB, nil
	case 16000:
		return WB, nil
	}
	return 0, fmt.Errorf("amr: no AMR variant codes %d Hz (8000: AMR-NB, 16000: AMR-WB)", rate)
}

// String is the variant's usual name.
func (v Variant) String() string {
	if v == WB {
		return "AMR-WB"
	}
	return "AMR-NB"
}

// SampleRate is the variant's only sample rate.
func (v Variant) SampleRate() int {
	if v == WB {
		return 16000
	}
	return 8000
}

// FrameSamples is the number of samples an AMR frame codes (20 ms).
func (v Variant) FrameSamples() int { return v.SampleRate() * FrameDuration / 1000 }

// CodecID is libavcodec's id for the variant.
func (v Variant) CodecID() astiav.CodecID {
	if v == WB {
		return astiav.CodecIDAmrWb
	}
	return astiav.CodecIDAmrNb
}

// Magic is the header of a .amr file of the variant (RFC 4867 §5).
func (v Variant) Magic() string {
	if v == WB {
		return "#!AMR-WB\n"
	}
	return "#!AMR\n"
}

// Speech modes: bitrates in bps, indexed by the mode number the libraries
// and the TOC byte use (3GPP TS 26.101 and 26.201).
var (
	nbBitrates = []int64{4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200}
	wbBitrates = []int64{6600, 8850, 12650, 14250, 15850, 18250, 19850, 23050, 23850}
)

// storageSizes are the bytes of one stored frame per mode, TOC byte
// included (RFC 4867 §5.3 and 3GPP TS 26.201 Table A.1).
var (
	nbStorageSizes = []int{13, 14, 16, 18, 20, 21, 27, 32}
	wbStorageSizes = []int{18, 24, 33, 37, 41, 47, 51, 59, 61}
)

// Bitrates lists the variant's speech mode bitrates, lowest first.
func (v Variant) Bitrates() []int64 {
	if v == WB {
		return append([]int64(nil), wbBitrates...)
	}
	return append([]int64(nil), nbBitrates...)
}

// Mode picks the speech mode for a requested bitrate: the mode whose
// bitrate is nearest (the lower one on a tie), as FFmpeg's own
// libopencore-amr wrapper does; 0 means "not set" and picks the highest
// mode (12.2 kbps NB, 23.85 kbps WB).
func (v Variant) Mode(bitrate int64) int {
	rates := nbBitrates
	if v == WB {
		rates = wbBitrates
	}
	if bitrate <= 0 {
		return len(rates) - 1
	}
	best := 0
	for i, r := range rates {
		if abs64(r-bitrate) < abs64(rates[best]-bitrate) {
			best = i
		}
	}
	return best
}

// ModeBitrate is the bitrate of mode in bps.
func (v Variant) ModeBitrate(mode int) int64 {
	if v == WB {
		return wbBitrates[mode]
	}
	return nbBitrates[mode]
}

// storageSize is the size of a stored frame of mode, TOC byte included.
func (v Variant) storageSize(mode int) int {
	if v == WB {
		return wbStorageSizes[mode]
	}
	return nbStorageSizes[mode]
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
