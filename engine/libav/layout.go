package libav

/*
#cgo pkg-config: libavformat libavcodec libavfilter libavutil
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
*/
import "C"

import (
	"unsafe"

	"github.com/asticode/go-astiav"
)

// These reach the C structs go-astiav v0.16.0 wraps but does not expose
// everything of: av_find_best_stream and the duration estimation method
// (AVFormatContext), avcodec_flush_buffers and pkt_timebase
// (AVCodecContext), the codec capabilities (AVCodec), the disposition
// (AVStream), and av_buffersrc_close and av_buffersink_get_time_base
// (AVFilterContext). Each go-astiav wrapper is a struct whose first field
// is the C pointer; go.mod pins the version, and layout_test.go checks the
// layout against values go-astiav does expose.

func cFormat(fc *astiav.FormatContext) *C.AVFormatContext {
	return *(**C.AVFormatContext)(unsafe.Pointer(fc))
}

func cCodecContext(cc *astiav.CodecContext) *C.AVCodecContext {
	return *(**C.AVCodecContext)(unsafe.Pointer(cc))
}

func cCodec(c *astiav.Codec) *C.AVCodec {
	return *(**C.AVCodec)(unsafe.Pointer(c))
}

func cStream(s *astiav.Stream) *C.AVStream {
	return *(**C.AVStream)(unsafe.Pointer(s))
}

func cFilterContext(fc *astiav.FilterContext) *C.AVFilterContext {
	return *(**C.AVFilterContext)(unsafe.Pointer(fc))
}
