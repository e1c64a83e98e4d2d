package concat

import (
	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
)

// onVideo takes a decoded video frame. Frames before ss are not filtered:
// only the latest one is kept (pending) because it is on screen at ss.
func (r *clipRun) onVideo(f *astiav.Frame) error {
	s := r.video
	dur := libav.PacketDuration(f)
	if dur <= 0 {
		dur = max(astiav.RescaleQ(1, astiav.NewRational(1000, int(r.srcRate*1000)), s.tb), 1)
	}
	start, end := r.stamp(s, f, dur)
	if r.seeked && !s.checked {
		s.checked = true
		if start > s.seconds(dur)+0.001 && !r.emitted {
			return errOvershoot
		}
	}
	if end > 0 {
		s.end = max(s.end, end)
	}
	if s.done {
		return nil
	}
	if r.limit > 0 && start >= r.limit {
		s.done = true // pushed anyway: it tells fps how long the previous frame lasts
	}
	if start < 0 {
		r.pending.Unref()
		r.hasPending = r.pending.Ref(f) == nil
		return nil
	}
	if r.hasPending {
		r.hasPending = false
		if start > 0 {
			if err := r.pushVideo(r.pending); err != nil {
				return err
			}
		}
		r.pending.Unref()
	}
	return r.pushVideo(f)
}

// pushVideo filters one frame (upright, output size and rate) and emits
// what comes out.
func (r *clipRun) pushVideo(f *astiav.Frame) error {
	s := r.video
	return s.chain.Push(f, func(f *astiav.Frame, restarted bool) string {
		src := videoSource{Width: f.Width(), Height: f.Height(), SAR: f.SampleAspectRatio(), Rotation: r.src.rotation, Rate: r.srcRate}
		return videoFilterSpec(src, r.o.plan.video.shape, s.graphStart(f, restarted))
	}, r.emitVideo)
}

// emitVideo encodes one normalised frame, then keeps a silent track level
// with the picture when the clip has no audio.
func (r *clipRun) emitVideo(out *astiav.Frame) error {
	r.emitted = true
	if err := r.o.emitVideo(out, out.Pts()); err != nil {
		return err
	}
	if r.audio == nil || r.audio.dec == nil {
		return r.o.fillAudio(r.o.audioAt(r.o.videoTime()))
	}
	return nil
}
