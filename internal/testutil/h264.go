package testutil

import (
	"bytes"
	"errors"
	"fmt"
)

// ResizeH264SPS rewrites every sequence parameter set of an H.264 Annex B
// stream (start codes, as a raw .h264 file holds it) to declare a w×h
// picture (multiples of 16, no cropping), leaving everything else as it
// was. Tests use it to make tiny files that claim an absurd picture size
// (16000×16000) without encoding one: a decoder that trusts the header
// allocates full-size frames for a few macroblocks of data.
func ResizeH264SPS(stream []byte, w, h int) ([]byte, error) {
	if w <= 0 || h <= 0 || w%16 != 0 || h%16 != 0 {
		return nil, fmt.Errorf("h264: %dx%d is not a positive multiple of 16", w, h)
	}
	var out []byte
	found := false
	for _, nal := range splitAnnexB(stream) {
		out = append(out, 0, 0, 0, 1)
		if len(nal) > 0 && nal[0]&0x1f == 7 {
			sps, err := resizeSPS(unescapeRBSP(nal[1:]), w/16-1, h/16-1)
			if err != nil {
				return nil, err
			}
			nal = append([]byte{nal[0]}, escapeRBSP(sps)...)
			found = true
		}
		out = append(out, nal...)
	}
	if !found {
		return nil, errors.New("h264: no sequence parameter set in the stream")
	}
	return out, nil
}

// splitAnnexB cuts a stream at its 00 00 01 start codes (a leading zero
// of a 4-byte start code is trailing_zero_8bits of the previous unit).
func splitAnnexB(b []byte) [][]byte {
	var nals [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				nals = append(nals, bytes.TrimRight(b[start:i], "\x00"))
			}
			start = i + 3
			i += 2
		}
	}
	if start >= 0 {
		nals = append(nals, b[start:])
	}
	return nals
}

// unescapeRBSP drops emulation prevention bytes (00 00 03 → 00 00).
func unescapeRBSP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	zeros := 0
	for _, c := range b {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// escapeRBSP inserts emulation prevention bytes before 00 00 0x (x ≤ 3).
func escapeRBSP(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/64)
	zeros := 0
	for _, c := range b {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// bitReader reads an RBSP bit by bit.
type bitReader struct {
	b   []byte
	pos int // in bits
}

func (r *bitReader) bit() (uint, error) {
	if r.pos >= len(r.b)*8 {
		return 0, errors.New("h264: SPS ends early")
	}
	v := uint(r.b[r.pos/8]>>(7-r.pos%8)) & 1
	r.pos++
	return v, nil
}

func (r *bitReader) bits(n int) (uint, error) {
	var v uint
	for range n {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		v = v<<1 | b
	}
	return v, nil
}

// ue reads an unsigned Exp-Golomb code.
func (r *bitReader) ue() (uint, error) {
	zeros := 0
	for {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		if zeros++; zeros > 31 {
			return 0, errors.New("h264: bad Exp-Golomb code")
		}
	}
	rest, err := r.bits(zeros)
	return 1<<zeros - 1 + rest, err
}

// bitWriter appends bits.
type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) bit(v uint) {
	if w.n%8 == 0 {
		w.b = append(w.b, 0)
	}
	w.b[len(w.b)-1] |= byte(v&1) << (7 - w.n%8)
	w.n++
}

func (w *bitWriter) bits(v uint, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bit(v >> i)
	}
}

func (w *bitWriter) ue(v uint) {
	v++
	n := 0
	for x := v; x > 1; x >>= 1 {
		n++
	}
	w.bits(0, n)
	w.bits(v, n+1)
}

// resizeSPS rewrites pic_width_in_mbs_minus1 and
// pic_height_in_map_units_minus1 of an SPS payload (after its NAL header)
// and clears frame cropping. Scaling matrices are not supported (x264
// writes none by default).
func resizeSPS(rbsp []byte, mbW, mbH int) ([]byte, error) {
	r := &bitReader{b: rbsp}
	w := &bitWriter{}
	copyBits := func(n int) error {
		for range n {
			b, err := r.bit()
			if err != nil {
				return err
			}
			w.bit(b)
		}
		return nil
	}
	copyUE := func() (uint, error) {
		v, err := r.ue()
		w.ue(v)
		return v, err
	}
	profile, err := r.bits(8)
	if err != nil {
		return nil, err
	}
	w.bits(profile, 8)
	if err := copyBits(16); err != nil { // constraint flags, level_idc
		return nil, err
	}
	if _, err := copyUE(); err != nil { // seq_parameter_set_id
		return nil, err
	}
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		chroma, err := copyUE()
		if err != nil {
			return nil, err
		}
		if chroma == 3 {
			if err := copyBits(1); err != nil {
				return nil, err
			}
		}
		for range 2 { // bit depths
			if _, err := copyUE(); err != nil {
				return nil, err
			}
		}
		if err := copyBits(1); err != nil { // qpprime_y_zero_transform_bypass_flag
			return nil, err
		}
		matrix, err := r.bit()
		if err != nil {
			return nil, err
		}
		if matrix != 0 {
			return nil, errors.New("h264: SPS scaling matrices are not supported")
		}
		w.bit(0)
	}
	if _, err := copyUE(); err != nil { // log2_max_frame_num_minus4
		return nil, err
	}
	poc, err := copyUE()
	if err != nil {
		return nil, err
	}
	switch poc {
	case 0:
		if _, err := copyUE(); err != nil {
			return nil, err
		}
	case 1:
		return nil, errors.New("h264: pic_order_cnt_type 1 is not supported")
	}
	if _, err := copyUE(); err != nil { // max_num_ref_frames
		return nil, err
	}
	if err := copyBits(1); err != nil { // gaps_in_frame_num_value_allowed_flag
		return nil, err
	}
	if _, err := r.ue(); err != nil {
		return nil, err
	}
	if _, err := r.ue(); err != nil {
		return nil, err
	}
	w.ue(uint(mbW))
	w.ue(uint(mbH))
	frameOnly, err := r.bit()
	if err != nil {
		return nil, err
	}
	if frameOnly == 0 {
		return nil, errors.New("h264: interlaced SPS not supported")
	}
	w.bit(1)
	if err := copyBits(1); err != nil { // direct_8x8_inference_flag
		return nil, err
	}
	crop, err := r.bit()
	if err != nil {
		return nil, err
	}
	if crop == 1 {
		for range 4 {
			if _, err := r.ue(); err != nil {
				return nil, err
			}
		}
	}
	w.bit(0)
	// The rest (VUI) up to the stop bit, then a new stop bit and padding.
	end := len(rbsp)*8 - 1
	for end >= r.pos {
		if rbsp[end/8]>>(7-end%8)&1 == 1 {
			break
		}
		end--
	}
	if end < r.pos {
		return nil, errors.New("h264: SPS has no stop bit")
	}
	if err := copyBits(end - r.pos); err != nil {
		return nil, err
	}
	w.bit(1)
	return w.b, nil
}
