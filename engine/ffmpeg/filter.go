package ffmpeg

/*
#cgo pkg-config: libavfilter libavutil
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// graph is one libavfilter graph with a single buffer source and a single
// buffer sink: the per-clip normaliser of one stream. Frames go in with
// push, come out with pull; close ends the input at a given timestamp so
// filters that look at durations (fps, atrim) see where the clip stops.
type graph struct {
	g    *astiav.FilterGraph
	src  *astiav.FilterContext
	sink *astiav.FilterContext
	out  *astiav.Frame // reused for every pull; unreferenced before each
	c    *astikit.Closer
}

// newGraph builds "buffer → spec → buffersink" (or the audio variants when
// audio is true). srcArgs are the buffer source's options (size, format,
// time base); threads is the graph's slice-threading budget.
func newGraph(audio bool, srcArgs astiav.FilterArgs, spec string, threads int) (_ *graph, err error) {
	gr := &graph{c: astikit.NewCloser()}
	defer func() {
		if err != nil {
			gr.close()
		}
	}()
	srcName, sinkName := "buffer", "buffersink"
	if audio {
		srcName, sinkName = "abuffer", "abuffersink"
	}
	if gr.g = astiav.AllocFilterGraph(); gr.g == nil {
		return nil, errors.New("ffmpeg: allocating filter graph failed")
	}
	gr.c.Add(gr.g.Free)
	gr.g.SetThreadCount(max(threads, 1))

	if gr.src, err = gr.g.NewFilterContext(astiav.FindFilterByName(srcName), "in", srcArgs); err != nil {
		return nil, fmt.Errorf("ffmpeg: creating %s with %s: %w", srcName, srcArgs, err)
	}
	if gr.sink, err = gr.g.NewFilterContext(astiav.FindFilterByName(sinkName), "out", nil); err != nil {
		return nil, fmt.Errorf("ffmpeg: creating %s: %w", sinkName, err)
	}

	if err = linkGraph(gr.g, gr.src, gr.sink, spec); err != nil {
		return nil, err
	}
	gr.out = astiav.AllocFrame()
	gr.c.Add(gr.out.Free)
	return gr, nil
}

// linkGraph parses spec between the buffer source src and the sink, then
// configures the graph. Both engines build their graphs through it.
func linkGraph(g *astiav.FilterGraph, src, sink *astiav.FilterContext, spec string) error {
	outputs := astiav.AllocFilterInOut()
	inputs := astiav.AllocFilterInOut()
	if outputs == nil || inputs == nil {
		return errors.New("ffmpeg: allocating filter in/out failed")
	}
	// Parse takes ownership of whatever it links; freeing the heads after
	// Parse is what ffmpeg's own examples do (avfilter_inout_free on NULL
	// is a no-op).
	defer outputs.Free()
	defer inputs.Free()
	outputs.SetName("in")
	outputs.SetFilterContext(src)
	outputs.SetPadIdx(0)
	outputs.SetNext(nil)
	inputs.SetName("out")
	inputs.SetFilterContext(sink)
	inputs.SetPadIdx(0)
	inputs.SetNext(nil)
	if err := g.Parse(spec, inputs, outputs); err != nil {
		return fmt.Errorf("ffmpeg: parsing filter graph %q: %w", spec, err)
	}
	if err := g.Configure(); err != nil {
		return fmt.Errorf("ffmpeg: configuring filter graph %q: %w", spec, err)
	}
	return nil
}

// push feeds one frame; the graph takes its own reference.
func (gr *graph) push(f *astiav.Frame) error {
	if err := gr.src.BuffersrcAddFrame(f, astiav.NewBuffersrcFlags(astiav.BuffersrcFlagKeepRef)); err != nil {
		return fmt.Errorf("ffmpeg: feeding filter graph: %w", err)
	}
	return nil
}

// end closes the input at pts (in the source time base) so time-based
// filters flush up to it; NoPTS lets libav pick the last frame's time.
func (gr *graph) end(pts int64) error {
	src := *(**C.AVFilterContext)(unsafe.Pointer(gr.src))
	if ret := C.av_buffersrc_close(src, C.int64_t(pts), C.AV_BUFFERSRC_FLAG_PUSH); ret < 0 {
		return fmt.Errorf("ffmpeg: closing filter graph input: %w", astiav.Error(int(ret)))
	}
	return nil
}

// drain pulls every frame available now and hands each to fn; the frame is
// only valid during the call. It returns nil when the graph needs more
// input or has finished.
func (gr *graph) drain(fn func(*astiav.Frame) error) error {
	for {
		gr.out.Unref()
		if err := gr.sink.BuffersinkGetFrame(gr.out, astiav.NewBuffersinkFlags()); err != nil {
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				gr.out.Unref()
				return nil
			}
			return fmt.Errorf("ffmpeg: reading filter graph output: %w", err)
		}
		if err := fn(gr.out); err != nil {
			gr.out.Unref()
			return err
		}
	}
}

// timeBase is the sink's output time base (1/fps after an fps filter,
// 1/sample_rate after aresample).
func (gr *graph) timeBase() astiav.Rational {
	sink := *(**C.AVFilterContext)(unsafe.Pointer(gr.sink))
	tb := C.av_buffersink_get_time_base(sink)
	return astiav.NewRational(int(tb.num), int(tb.den))
}

// close frees the graph and its frame.
func (gr *graph) close() {
	if gr == nil || gr.c == nil {
		return
	}
	_ = gr.c.Close()
	gr.c = nil
}
