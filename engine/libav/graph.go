package libav

/*
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
*/
import "C"

import (
	"errors"
	"fmt"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"
)

// Graph is one libavfilter graph with a single buffer source and a single
// buffer sink: the normaliser of one stream. Frames go in with Push and
// come out with Drain; End closes the input at a given timestamp so filters
// that look at durations (fps, atrim) see where the stream stops.
type Graph struct {
	g    *astiav.FilterGraph
	src  *astiav.FilterContext
	sink *astiav.FilterContext
	out  *astiav.Frame // reused for every pull; unreferenced before each
	c    *astikit.Closer
}

// NewGraph builds "buffer → spec → buffersink" (or the audio variants when
// audio is true). srcArgs are the buffer source's options (size, format,
// time base); threads is the graph's slice-threading budget.
func NewGraph(audio bool, srcArgs astiav.FilterArgs, spec string, threads int) (_ *Graph, err error) {
	gr := &Graph{c: astikit.NewCloser()}
	defer func() {
		if err != nil {
			gr.Close()
		}
	}()
	srcName, sinkName := "buffer", "buffersink"
	if audio {
		srcName, sinkName = "abuffer", "abuffersink"
	}
	if gr.g = astiav.AllocFilterGraph(); gr.g == nil {
		return nil, errors.New("libav: allocating filter graph failed")
	}
	gr.c.Add(gr.g.Free)
	gr.g.SetThreadCount(max(threads, 1))

	if gr.src, err = gr.g.NewFilterContext(astiav.FindFilterByName(srcName), "in", srcArgs); err != nil {
		return nil, fmt.Errorf("libav: creating %s with %s: %w", srcName, srcArgs, err)
	}
	if gr.sink, err = gr.g.NewFilterContext(astiav.FindFilterByName(sinkName), "out", nil); err != nil {
		return nil, fmt.Errorf("libav: creating %s: %w", sinkName, err)
	}
	if err = gr.link(spec); err != nil {
		return nil, err
	}
	gr.out = astiav.AllocFrame()
	gr.c.Add(gr.out.Free)
	return gr, nil
}

// link parses spec between the buffer source and the sink, then
// configures the graph.
func (gr *Graph) link(spec string) error {
	outputs := astiav.AllocFilterInOut()
	inputs := astiav.AllocFilterInOut()
	if outputs == nil || inputs == nil {
		return errors.New("libav: allocating filter in/out failed")
	}
	// Parse takes ownership of whatever it links; freeing the heads after
	// Parse is what ffmpeg's own examples do (avfilter_inout_free on NULL
	// is a no-op).
	defer outputs.Free()
	defer inputs.Free()
	outputs.SetName("in")
	outputs.SetFilterContext(gr.src)
	outputs.SetPadIdx(0)
	outputs.SetNext(nil)
	inputs.SetName("out")
	inputs.SetFilterContext(gr.sink)
	inputs.SetPadIdx(0)
	inputs.SetNext(nil)
	if err := gr.g.Parse(spec, inputs, outputs); err != nil {
		return fmt.Errorf("libav: parsing filter graph %q: %w", spec, err)
	}
	if err := gr.g.Configure(); err != nil {
		return fmt.Errorf("libav: configuring filter graph %q: %w", spec, err)
	}
	return nil
}

// Push feeds one frame; the graph takes its own reference.
func (gr *Graph) Push(f *astiav.Frame) error {
	if err := gr.src.BuffersrcAddFrame(f, astiav.NewBuffersrcFlags(astiav.BuffersrcFlagKeepRef)); err != nil {
		return fmt.Errorf("libav: feeding filter graph: %w", err)
	}
	return nil
}

// End closes the input at pts (in the source time base) so time-based
// filters flush up to it; NoPTS lets libav pick the last frame's time.
func (gr *Graph) End(pts int64) error {
	if ret := C.av_buffersrc_close(cFilterContext(gr.src), C.int64_t(pts), C.AV_BUFFERSRC_FLAG_PUSH); ret < 0 {
		return fmt.Errorf("libav: closing filter graph input: %w", astiav.Error(int(ret)))
	}
	return nil
}

// Drain pulls every frame available now and hands each to fn; the frame is
// only valid during the call. It returns nil when the graph needs more
// input or has finished.
func (gr *Graph) Drain(fn func(*astiav.Frame) error) error {
	for {
		gr.out.Unref()
		if err := gr.sink.BuffersinkGetFrame(gr.out, astiav.NewBuffersinkFlags()); err != nil {
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				gr.out.Unref()
				return nil
			}
			return fmt.Errorf("libav: reading filter graph output: %w", err)
		}
		if err := fn(gr.out); err != nil {
			gr.out.Unref()
			return err
		}
	}
}

// TimeBase is the sink's output time base (1/fps after an fps filter,
// 1/sample_rate after aresample).
func (gr *Graph) TimeBase() astiav.Rational {
	tb := C.av_buffersink_get_time_base(cFilterContext(gr.sink))
	return astiav.NewRational(int(tb.num), int(tb.den))
}

// Close frees the graph and its frame. It may be called on nil and more
// than once.
func (gr *Graph) Close() {
	if gr != nil {
		_ = gr.c.Close()
	}
}
