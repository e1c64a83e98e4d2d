package concat

import (
	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
)

// onAudio takes a decoded audio frame; atrim in the graph cuts the frame
// that straddles ss or t sample-exactly, whole frames outside are skipped.
func (r *clipRun) onAudio(f *astiav.Frame) error {
	s := r.audio
	dur := astiav.RescaleQ(int64(f.NbSamples()), astiav.NewRational(1, max(f.SampleRate(), 1)), s.tb)
	start, end := r.stamp(s, f, dur)
	if s.pktEndOK && f.Pts() < s.pktEnd && f.Pts()+dur > s.pktEnd {
		// The container says the stream ends inside this frame (an MP4's
		// last AAC packet is shorter than the 1024 samples it decodes to):
		// keep only the samples it accounts for, as its duration does.
		keep := astiav.RescaleQ(s.pktEnd-f.Pts(), s.tb, astiav.NewRational(1, max(f.SampleRate(), 1)))
		if keep > 0 && keep < int64(f.NbSamples()) {
			f.SetNbSamples(int(keep))
			dur = s.pktEnd - f.Pts()
			s.nextPts = f.Pts() + dur + s.origin
			end = s.seconds(f.Pts() + dur)
		}
	}
	if r.seeked && !s.checked {
		s.checked = true
		if start > 0.05 && !r.emitted {
			return errOvershoot
		}
	}
	if end > 0 {
		s.end = max(s.end, end)
	}
	if end <= 0 || s.done {
		return nil
	}
	if r.limit > 0 && start >= r.limit {
		s.done = true
		return nil
	}
	if !namedLayout(f.ChannelLayout()) {
		f.SetChannelLayout(defaultLayout(f.ChannelLayout().NbChannels()))
	}
	return s.chain.Push(f, func(f *astiav.Frame, restarted bool) string {
		return audioFilterSpec(r.limit, r.o.plan.audio.shape, s.graphStart(f, restarted))
	}, r.emitAudio)
}

// emitAudio queues one normalised audio frame, then keeps a black picture
// level with the sound when the clip has no video.
func (r *clipRun) emitAudio(out *astiav.Frame) error {
	r.emitted = true
	pts := out.Pts()
	if pts != libav.NoPTS {
		pts = astiav.RescaleQ(pts, r.audio.chain.TimeBase(), astiav.NewRational(1, max(out.SampleRate(), 1)))
	}
	if err := r.o.emitAudio(out, pts); err != nil {
		return err
	}
	if r.video == nil || r.video.dec == nil {
		return r.o.fillVideo(r.o.videoAt(r.o.audioTime()))
	}
	return nil
}
