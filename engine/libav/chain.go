package libav

import (
	"fmt"
	"strconv"

	"github.com/asticode/go-astiav"
)

// Chain filters one stream through a Graph that follows the stream's
// shape: a stream may change picture size or pixel format (a WebRTC
// recording changing resolution), or sample rate, format or channel layout
// (a broadcast switching audio), midway, and a graph is configured for one
// shape. The first frame builds the graph; a frame of another shape ends
// the current graph at that frame's time, emits what it still holds, drops
// it and builds the next one. This is the one place graphs are restarted.
type Chain struct {
	audio   bool
	threads int
	tb      astiav.Rational // time base of the frames pushed
	g       *Graph
	shape   string // shape of the frames the graph was built for
	rebuilt bool   // the graph was replaced since the last Reset
}

// SpecFunc returns the filter description for a graph whose first frame is
// f; restarted is true when the graph replaces one built for another shape.
type SpecFunc func(f *astiav.Frame, restarted bool) string

// NewChain prepares a chain for video (or audio when audio is true)
// frames in time base tb; threads is each graph's thread budget.
func NewChain(audio bool, tb astiav.Rational, threads int) *Chain {
	return &Chain{audio: audio, tb: tb, threads: threads}
}

// Push filters f and hands every frame that comes out to emit (valid only
// during the call); spec describes the graph when one must be built.
func (c *Chain) Push(f *astiav.Frame, spec SpecFunc, emit func(*astiav.Frame) error) error {
	shape := c.shapeOf(f)
	if c.g != nil && shape != c.shape {
		if err := c.End(f.Pts(), emit); err != nil {
			return err
		}
		c.g.Close()
		c.g, c.rebuilt = nil, true
	}
	if c.g == nil {
		g, err := NewGraph(c.audio, c.sourceArgs(f), spec(f, c.rebuilt), c.threads)
		if err != nil {
			return err
		}
		c.g, c.shape = g, shape
	}
	if err := c.g.Push(f); err != nil {
		return err
	}
	return c.g.Drain(emit)
}

// End closes the current graph's input at pts (in the frames' time base)
// and emits what the graph still holds; without a graph it does nothing.
func (c *Chain) End(pts int64, emit func(*astiav.Frame) error) error {
	if c.g == nil {
		return nil
	}
	if err := c.g.End(pts); err != nil {
		return err
	}
	return c.g.Drain(emit)
}

// TimeBase is the current graph's output time base.
func (c *Chain) TimeBase() astiav.Rational { return c.g.TimeBase() }

// Reset drops the graph and whatever it holds, as after a seek: the next
// frame builds a first graph again.
func (c *Chain) Reset() {
	c.g.Close()
	c.g, c.rebuilt = nil, false
}

// Close frees the graph.
func (c *Chain) Close() { c.g.Close() }

// shapeOf is what a graph is configured for.
func (c *Chain) shapeOf(f *astiav.Frame) string {
	if c.audio {
		return fmt.Sprintf("%d/%d/%s", f.SampleRate(), f.SampleFormat(), f.ChannelLayout())
	}
	return fmt.Sprintf("%dx%d/%d", f.Width(), f.Height(), f.PixelFormat())
}

// sourceArgs are the buffer source's options for frames shaped like f.
func (c *Chain) sourceArgs(f *astiav.Frame) astiav.FilterArgs {
	if c.audio {
		return astiav.FilterArgs{
			"sample_rate":    strconv.Itoa(f.SampleRate()),
			"sample_fmt":     f.SampleFormat().Name(),
			"channel_layout": f.ChannelLayout().String(),
			"time_base":      c.tb.String(),
		}
	}
	sar := f.SampleAspectRatio()
	if sar.Num() <= 0 || sar.Den() <= 0 {
		sar = astiav.NewRational(1, 1) // unknown: square
	}
	return astiav.FilterArgs{
		"video_size":   strconv.Itoa(f.Width()) + "x" + strconv.Itoa(f.Height()),
		"pix_fmt":      strconv.Itoa(int(f.PixelFormat())),
		"time_base":    c.tb.String(),
		"pixel_aspect": sar.String(),
	}
}
