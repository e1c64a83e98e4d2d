package concat

import (
	"context"
	"fmt"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
)

// encodeQueueFrames is how many frames (video and audio together) may wait
// between the decoding stage and the encoding stage: enough to ride out
// the jitter of either side (a keyframe to decode, a lookahead decision to
// make), few enough that memory stays flat (at 720p a frame is 1.4 MB).
const encodeQueueFrames = 8

// encodeJob is one frame for one encoder. The job owns f (a reference of
// its own to the frame's buffers): whoever takes the job last frees it.
type encodeJob struct {
	enc *libav.Encoder
	f   *astiav.Frame
}

// encodeStage is the output's encoding side when it runs on a goroutine
// of its own: the decoding stage (demuxing, decoding, trimming, filtering,
// the output clock and the audio FIFO) sends frames in the exact order the
// serial engine encoded them, and the stage, the only user of the encoders
// and the muxer while it runs, encodes them. ctx is the run's: it ends
// when either stage fails.
type encodeStage struct {
	ctx  context.Context
	jobs chan encodeJob
}

func newEncodeStage(ctx context.Context) *encodeStage {
	return &encodeStage{ctx: ctx, jobs: make(chan encodeJob, encodeQueueFrames)}
}

// send queues a reference to f for enc; f itself stays the caller's.
func (s *encodeStage) send(enc *libav.Encoder, f *astiav.Frame) error {
	c := astiav.AllocFrame()
	if c == nil {
		return fmt.Errorf("concat: allocating a frame for the encoder failed")
	}
	if err := c.Ref(f); err != nil {
		c.Free()
		return fmt.Errorf("concat: referencing a frame for the encoder: %w", err)
	}
	select {
	case s.jobs <- encodeJob{enc: enc, f: c}:
		return nil
	case <-s.ctx.Done():
		c.Free()
		return s.ctx.Err()
	}
}

// close tells the stage no more frames come; the sender calls it once.
func (s *encodeStage) close() { close(s.jobs) }

// run encodes queued frames until the queue is closed or ctx ends.
func (s *encodeStage) run() error {
	for {
		if err := s.ctx.Err(); err != nil {
			return err // before taking another frame, ready or not
		}
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case j, ok := <-s.jobs:
			if !ok {
				return nil
			}
			err := j.enc.Encode(j.f)
			j.f.Free()
			if err != nil {
				return err
			}
		}
	}
}

// discard frees what is still queued after both stages have ended (the
// encoding stage stopped early on an error).
func (s *encodeStage) discard() {
	for j := range s.jobs {
		j.f.Free()
	}
}
