package concat

import (
	"fmt"
	"math"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
)

// output is the encoding side of a concatenation and its one clock. Clips
// are laid end to end: clip k starts at clipStart seconds, its video frames
// are numbered from round(clipStart×fps) and its audio samples from
// round(clipStart×rate). Each clip's shorter stream is padded (last frame
// repeated, or black; silence) to the clip's length, so audio and video
// never drift apart across joins: the error is under one frame and one
// sample at every join, and does not accumulate.
type output struct {
	plan *plan
	mux  *libav.Muxer
	venc *libav.Encoder
	aenc *libav.Encoder
	fifo *libav.AudioFIFO
	c    *astikit.Closer

	rate  astiav.Rational // video frame rate
	srate int             // audio sample rate

	clipStart float64 // seconds
	vNext     int64   // next video frame number
	aPos      int64   // audio samples written to the FIFO
	aSent     int64   // audio samples given to the encoder
	vLimit    int64   // first frame number past the current clip's t; -1 if open
	aLimit    int64   // first sample past the current clip's t; -1 if open

	last    *astiav.Frame // last video frame of the current clip, for padding
	black   *astiav.Frame // a black frame in the output shape
	hasLast bool

	stage    *encodeStage // the encoding goroutine; nil: encode in place
	segment  float64      // force a keyframe every segment seconds (0: never)
	nextKey  float64
	progress func(float64)
}

// beginClip starts a clip; limit is its t in seconds (0 = to its end).
func (o *output) beginClip(limit float64) {
	o.vNext = max(o.vNext, o.videoAt(o.clipStart))
	o.aPos = max(o.aPos, o.audioAt(o.clipStart))
	o.vLimit, o.aLimit = -1, -1
	if limit > 0 {
		o.vLimit = o.videoAt(o.clipStart + limit)
		o.aLimit = o.audioAt(o.clipStart + limit)
	}
	o.last.Unref()
	o.hasLast = false
}

// endClip closes a clip that lasted d seconds: both streams are padded to
// its end, which becomes the next clip's start.
func (o *output) endClip(d float64) error {
	o.clipStart += d
	if err := o.fillVideo(o.videoAt(o.clipStart)); err != nil {
		return err
	}
	return o.fillAudio(o.audioAt(o.clipStart))
}

func (o *output) videoAt(sec float64) int64 {
	if o.venc == nil {
		return 0
	}
	return int64(math.Round(sec * o.rate.Float64()))
}

func (o *output) audioAt(sec float64) int64 {
	if o.aenc == nil {
		return 0
	}
	return int64(math.Round(sec * float64(o.srate)))
}

// videoTime and audioTime are the output clock of each stream, in seconds.
func (o *output) videoTime() float64 { return float64(o.vNext) / o.rate.Float64() }
func (o *output) audioTime() float64 { return float64(o.aPos) / float64(o.srate) }

// emitVideo encodes the clip's local frame n (numbered from the clip's
// start at the output rate). Frames past t are dropped, except the
// output's first when the clips so far round to no frame at all (see
// clipRun.endGraph); a gap is filled with the previous frame.
func (o *output) emitVideo(f *astiav.Frame, n int64) error {
	g := o.videoAt(o.clipStart) + n
	first := o.vNext == 0 && o.vLimit == 0
	if g < o.vNext || (o.vLimit >= 0 && g >= o.vLimit && !first) {
		return nil
	}
	if err := o.fillVideo(g); err != nil {
		return err
	}
	if err := o.encodeVideo(f); err != nil {
		return err
	}
	o.last.Unref()
	if err := o.last.Ref(f); err != nil {
		return fmt.Errorf("concat: keeping last frame: %w", err)
	}
	o.hasLast = true
	return nil
}

// fillVideo pads the video up to frame number upto (exclusive) with the
// clip's last frame, or black when the clip has shown none.
func (o *output) fillVideo(upto int64) error {
	if o.venc == nil {
		return nil
	}
	if o.vLimit >= 0 {
		upto = min(upto, o.vLimit)
	}
	src := o.black
	if o.hasLast {
		src = o.last
	}
	for o.vNext < upto {
		if err := o.encodeVideo(src); err != nil {
			return err
		}
	}
	return nil
}

// encodeVideo stamps f with the next frame number and encodes it, forcing
// a keyframe at each segment boundary.
func (o *output) encodeVideo(f *astiav.Frame) error {
	f.SetPts(o.vNext)
	f.SetPictureType(astiav.PictureTypeNone)
	if o.segment > 0 && o.videoTime() >= o.nextKey-1e-9 {
		f.SetPictureType(astiav.PictureTypeI)
		for o.nextKey <= o.videoTime()+1e-9 {
			o.nextKey += o.segment
		}
	}
	if err := o.encode(o.venc, f); err != nil {
		return err
	}
	o.vNext++
	o.report()
	return nil
}

// emitAudio queues a clip's normalised audio frame, cut at t. pts is the
// frame's first sample counted from the clip's start (libav.NoPTS:
// append). The frame is placed at that sample, not merely appended: when a clip's audio
// graph is rebuilt mid-clip (a broadcast switching sample rate or layout)
// the new graph starts at its first frame's time, which may overlap the
// old graph's tail (the new segment's encoder priming) or leave a gap.
// Overlapping samples are dropped and gaps padded with silence, so the
// audio stays on the clock the video uses. Differences under a
// millisecond are rounding and are ignored.
func (o *output) emitAudio(f *astiav.Frame, pts int64) error {
	skip := int64(0)
	if pts != libav.NoPTS {
		at := o.audioAt(o.clipStart) + pts
		tol := int64(max(o.srate/1000, 1))
		switch {
		case at > o.aPos+tol:
			if err := o.fillAudio(at); err != nil {
				return err
			}
		case at < o.aPos-tol:
			skip = o.aPos - at
		}
	}
	n := int64(f.NbSamples()) - skip
	if o.aLimit >= 0 {
		n = min(n, o.aLimit-o.aPos)
	}
	if n <= 0 {
		return nil
	}
	if err := o.fifo.Write(f, int(skip), int(n)); err != nil {
		return err
	}
	o.aPos += n
	return o.drainAudio(false)
}

// fillAudio pads the audio with silence up to sample upto (exclusive).
func (o *output) fillAudio(upto int64) error {
	if o.aenc == nil {
		return nil
	}
	if o.aLimit >= 0 {
		upto = min(upto, o.aLimit)
	}
	// One encoder frame at a time, so a long gap (a clip whose audio track
	// stops early) never piles up in the FIFO.
	for o.aPos < upto {
		n := min(upto-o.aPos, int64(o.fifo.FrameSize()))
		if err := o.fifo.WriteSilence(int(n)); err != nil {
			return err
		}
		o.aPos += n
		if err := o.drainAudio(false); err != nil {
			return err
		}
	}
	return nil
}

// drainAudio encodes every whole encoder frame in the FIFO; final also
// encodes the remainder, padded with silence when the encoder needs whole
// frames.
func (o *output) drainAudio(final bool) error {
	size := o.fifo.FrameSize()
	for o.fifo.Size() >= size || (final && o.fifo.Size() > 0) {
		n := min(o.fifo.Size(), size)
		if n < size && !o.aenc.AcceptsShortFrames() {
			if err := o.fifo.WriteSilence(size - n); err != nil {
				return err
			}
			n = size
		}
		f, err := o.fifo.Read(n)
		if err != nil {
			return err
		}
		f.SetPts(o.aSent)
		err = o.encode(o.aenc, f)
		o.fifo.RestoreSize()
		if err != nil {
			return err
		}
		o.aSent += int64(n)
		o.report()
	}
	return nil
}

// report passes the output clock to the progress callback.
func (o *output) report() {
	if o.progress == nil {
		return
	}
	t := 0.0
	if o.venc != nil {
		t = o.videoTime()
	}
	if o.aenc != nil {
		t = max(t, float64(o.aSent)/float64(o.srate))
	}
	o.progress(t)
}

// encode hands f to enc: through the encoding stage when there is one
// (which takes a reference of its own), else in place.
func (o *output) encode(enc *libav.Encoder, f *astiav.Frame) error {
	if o.stage != nil {
		return o.stage.send(enc, f)
	}
	return enc.Encode(f)
}

// endInput encodes the audio tail: the last frames the decoding side
// produces. A video track that got no frame at all (clips without
// pictures, together shorter than half a frame period) gets one black
// frame, so the output still has the track the request asked for.
func (o *output) endInput() error {
	if o.venc != nil && o.vNext == 0 {
		if err := o.encodeVideo(o.black); err != nil {
			return err
		}
	}
	if o.aenc != nil {
		return o.drainAudio(true)
	}
	return nil
}

// finish flushes both encoders and writes the trailer; the encoding stage,
// if any, has ended.
func (o *output) finish() error {
	if o.aenc != nil {
		if err := o.aenc.Encode(nil); err != nil {
			return err
		}
	}
	if o.venc != nil {
		if err := o.venc.Encode(nil); err != nil {
			return err
		}
	}
	return o.mux.Finish()
}
