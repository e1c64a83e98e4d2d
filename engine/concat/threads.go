package concat

import (
	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// threads shares a task's thread budget (engine.Task.Threads, the cores
// this task may keep busy) out among the libav threads of one
// concatenation, the way FFmpeg's own automatic choice does for a process
// that has the machine to itself:
//
//   - frame-threaded decoders get engine.DecoderThreads;
//   - x264 gets 1.5 frame threads per core and its lookahead on a thread of
//     its own, so the stage feeding it never waits for the lookahead.
//
// Each of these threads is busy only part of the time (decoder threads wait
// on references, x264's frame threads on each other's rows), so the task
// keeps about its budget of cores busy, not more. With a budget of one core
// (several workers sharing the machine) every codec gets one thread and
// x264's lookahead runs in the feeding thread: nothing then competes for
// another worker's core.
type threads struct {
	cores int
}

func newThreads(budget int) threads { return threads{cores: max(budget, 1)} }

// decoder is a clip decoder's frame-and-slice thread count.
func (t threads) decoder() int { return engine.DecoderThreads(t.cores) }

// filter is a filter graph's slice-thread count.
func (t threads) filter() int { return t.cores }

// minThreadedPixels is the picture size from which x264 gets more frame
// threads than cores: below it (under 640×360) x264 at any of the presets
// ossemu offers encodes faster than a decoder can feed it, so extra frame
// threads buy no time, and each adds a frame of rate-control lag, which on
// a short output shows as a bitrate overshoot of several percent.
const minThreadedPixels = 640 * 360

// encoder is the thread count of codec's encoder for w×h pictures, and
// whether x264 runs its lookahead on a thread of its own. x265 and VP9 get
// the budget as it is.
func (t threads) encoder(codec parser.VideoCodec, w, h int) (n int, threadedLookahead bool) {
	if codec != parser.H264 || t.cores == 1 || w*h < minThreadedPixels {
		return t.cores, false
	}
	return t.cores * 3 / 2, true
}
