package libav

/*
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/mem.h>
#include <limits.h>

// find_stream_info_bounded is avformat_find_stream_info with max_pixels set
// on the decoder it opens for every stream. Probing decodes a few frames
// (up to 7 of an H.264 stream to guess its reordering delay); without the
// bound, a file declaring a 16000x16000 picture makes it allocate
// hundreds of megabytes per frame before anything can look at the size.
// The options are an array with one dictionary per stream. libav's option
// takes at most INT_MAX (its default): a larger budget is no bound there.
static int find_stream_info_bounded(AVFormatContext *fc, int64_t max_pixels) {
	unsigned n = fc->nb_streams;
	AVDictionary **opts = NULL;
	int ret;
	if (max_pixels > 0 && max_pixels < INT_MAX && n > 0) {
		opts = av_calloc(n, sizeof(*opts));
		if (!opts)
			return AVERROR(ENOMEM);
		for (unsigned i = 0; i < n; i++)
			av_dict_set_int(&opts[i], "max_pixels", max_pixels, 0);
	}
	ret = avformat_find_stream_info(fc, opts);
	if (opts) {
		for (unsigned i = 0; i < n; i++)
			av_dict_free(&opts[i]);
		av_free(opts);
	}
	return ret;
}
*/
import "C"

import (
	"math"
	"strconv"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
)

// The pixel budget bounds the picture size (width × height) a task may
// decode: the memory libav takes for one input grows with it (each frame
// in flight is width × height × bytes per pixel, and a decoder holds a
// few dozen), while a file can declare any size in a few bytes. It is
// enforced at four points: the sizes the container declares before
// probing, the probe that opens the input (find_stream_info's decoders get
// max_pixels), the decoder of the stream
// an engine uses (its codec parameters are checked when it opens, and
// libav's own max_pixels then stops any larger frame), and the first frame
// it decodes (a stream may be larger than its header says). See
// docs/robustness.md for the worst case per worker.

// findStreamInfo probes the input with the budget applied to the probing
// decoders.
func (in *Input) findStreamInfo() error {
	if ret := C.find_stream_info_bounded(cFormat(in.Format), C.int64_t(in.maxPixels)); ret < 0 {
		return astiav.Error(ret)
	}
	return nil
}

// checkDeclared refuses, before probing, an input whose container
// declares a video stream over the budget (MP4, MOV, Matroska, Y4M write
// the size in their headers): probing decodes every stream, so even one
// the engines would not use would cost its frames. Sizes only the probe
// finds (raw H.264/HEVC streams) are checked by CheckPixels afterwards.
func (in *Input) checkDeclared() error {
	for _, s := range in.Format.Streams() {
		if err := in.CheckPixels(s); err != nil {
			return err
		}
	}
	return nil
}

// CheckPixels refuses a video stream whose codec parameters declare a
// picture over the input's pixel budget, with InvalidMedia naming the size
// and the budget. Engines call it before planning anything on the
// stream's size; OpenDecoder calls it too. Other streams pass.
func (in *Input) CheckPixels(s *astiav.Stream) error {
	par := s.CodecParameters()
	if par.MediaType() != astiav.MediaTypeVideo {
		return nil
	}
	return in.checkPixels(par.Width(), par.Height())
}

// decoderMaxPixels is the budget as libav's max_pixels option, which
// takes at most its default, the largest int; 0 when that is no bound.
func decoderMaxPixels(budget int64) int64 {
	if budget <= 0 || budget >= math.MaxInt32 {
		return 0
	}
	return budget
}

// checkPixels refuses a w×h picture over the budget (none when the budget
// is not positive).
func (in *Input) checkPixels(w, h int) error {
	if in.maxPixels <= 0 || int64(w)*int64(h) <= in.maxPixels {
		return nil
	}
	return osserr.New(osserr.InvalidMedia,
		"object %s: the video picture is %dx%d (%s pixels), over the pixel budget of %s pixels per picture (--max-input-pixels)",
		in.Name, w, h, groupDigits(int64(w)*int64(h)), groupDigits(in.maxPixels))
}

// groupDigits writes n with thousands separators: 256,000,000.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
