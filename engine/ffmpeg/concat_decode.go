package ffmpeg

/*
#include <libavutil/frame.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/asticode/go-astiav"
)

// errOvershoot means a seek landed after the clip's ss (an input without a
// usable index); the clip is then read again from its beginning.
var errOvershoot = errors.New("ffmpeg: seek landed past the start point")

// streamState follows one stream of the clip being read. Timestamps are
// made relative to the clip's origin (container start + ss), so 0 is the
// first instant the output shows and the trims are plain comparisons.
type streamState struct {
	st       *astiav.Stream
	dec      *Decoder // nil: the output has no such stream; packets only time the clip
	gr       *graph
	grKey    string // input size/format the graph was built for
	rebuilt  bool   // the graph was replaced mid-clip
	tb       astiav.Rational
	start    int64   // stream timestamp of the file's start
	origin   int64   // stream timestamp of the clip's 0
	end      float64 // end of the content seen, seconds from the origin
	done     bool    // a frame at or past t was seen
	checked  bool    // first frame after a seek examined
	nextPts  int64   // stands in for a missing timestamp
	pktEnd   int64   // end of the packets read, relative to the origin
	pktEndOK bool    // the latest packet had a duration, so pktEnd holds
	packets  int
	frames   int
	errs     int
}

func (s *streamState) seconds(ts int64) float64 {
	return float64(ts) * s.tb.Float64()
}

// feed decodes pkt (nil drains the decoder at the end) and passes each
// frame to on. A packet the decoder rejects is counted, not fatal: real
// files have the odd damaged packet, and the clip is judged on the ratio.
func (r *clipRun) feed(s *streamState, pkt *astiav.Packet, on func(*astiav.Frame) error) error {
	if s.dec == nil {
		if pkt != nil {
			r.time(s, pkt)
		}
		return nil
	}
	if pkt != nil {
		s.packets++
		// Where the container says the stream's data ends so far; only
		// trusted while every packet carries a duration.
		s.pktEndOK = pkt.Duration() > 0 && pkt.Pts() != NoPTS
		if s.pktEndOK {
			s.pktEnd = max(s.pktEnd, pkt.Pts()+pkt.Duration()-s.origin)
		}
	}
	if err := s.dec.SendPacket(pkt); err != nil && !errors.Is(err, astiav.ErrEof) {
		s.errs++
		return nil
	}
	for {
		err := s.dec.ReceiveFrame(r.frame)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if err != nil {
			s.errs++
			return nil
		}
		s.frames++
		err = on(r.frame)
		r.frame.Unref()
		if err != nil {
			return err
		}
	}
}

// time tracks a stream the output does not carry, from packet timestamps,
// so the clip's length still counts it (an audio-only output of a clip
// whose video is longer than its audio).
func (r *clipRun) time(s *streamState, pkt *astiav.Packet) {
	pts := pkt.Pts()
	if pts == NoPTS {
		pts = pkt.Dts()
	}
	if pts == NoPTS {
		return
	}
	start := s.seconds(pts - s.origin)
	s.end = max(s.end, s.seconds(pts-s.origin+pkt.Duration()))
	if r.limit > 0 && start >= r.limit {
		s.done = true
	}
}

// stamp gives f a timestamp relative to the origin and returns its start
// and end in seconds.
func (r *clipRun) stamp(s *streamState, f *astiav.Frame, dur int64) (float64, float64) {
	pts := int64(cFrame(f).best_effort_timestamp)
	if pts == NoPTS {
		pts = s.nextPts
	}
	s.nextPts = pts + dur
	rel := pts - s.origin
	f.SetPts(rel)
	return s.seconds(rel), s.seconds(rel + dur)
}

// onVideo takes a decoded video frame. Frames before ss are not filtered:
// only the latest one is kept (pending) because it is on screen at ss.
func (r *clipRun) onVideo(f *astiav.Frame) error {
	s := r.video
	dur := int64(cFrame(f).pkt_duration)
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

// pushVideo filters one frame and emits what comes out, then keeps a
// silent track level with the picture when the clip has no audio.
func (r *clipRun) pushVideo(f *astiav.Frame) error {
	s := r.video
	key := fmt.Sprintf("%dx%d/%d", f.Width(), f.Height(), f.PixelFormat())
	if s.gr != nil && key != s.grKey {
		if err := r.restartGraph(s, f, r.drainVideo); err != nil {
			return err
		}
	}
	if s.gr == nil {
		s.grKey = key
		src := videoSource{Width: f.Width(), Height: f.Height(), SAR: f.SampleAspectRatio(), Rotation: r.src.rotation, Rate: r.srcRate}
		args := astiav.FilterArgs{
			"video_size":   strconv.Itoa(f.Width()) + "x" + strconv.Itoa(f.Height()),
			"pix_fmt":      strconv.Itoa(int(f.PixelFormat())),
			"time_base":    s.tb.String(),
			"pixel_aspect": sarArg(f.SampleAspectRatio()),
		}
		gr, err := newGraph(false, args, videoFilterSpec(src, r.o.plan.video.shape, s.graphStart(f)), r.threads)
		if err != nil {
			return err
		}
		s.gr = gr
	}
	if err := s.gr.push(f); err != nil {
		return err
	}
	return r.drainVideo()
}

func (r *clipRun) drainVideo() error {
	return r.video.gr.drain(func(out *astiav.Frame) error {
		r.emitted = true
		if err := r.o.emitVideo(out, out.Pts()); err != nil {
			return err
		}
		if r.audio == nil || r.audio.dec == nil {
			return r.o.fillAudio(r.o.audioAt(r.o.videoTime()))
		}
		return nil
	})
}

// restartGraph ends a stream's graph at frame f, whose size or format
// differs from what the graph was built for (a WebRTC recording changing
// resolution, a broadcast switching audio layout), and drops it; the next
// push builds a new graph starting at f's time.
func (r *clipRun) restartGraph(s *streamState, f *astiav.Frame, drain func() error) error {
	if err := s.gr.end(f.Pts()); err != nil {
		return err
	}
	if err := drain(); err != nil {
		return err
	}
	s.gr.close()
	s.gr = nil
	s.rebuilt = true
	return nil
}

// graphStart is where a new graph's clock starts: 0 for the clip's first
// graph (so fps and aresample fill a late start), else the frame's time.
func (s *streamState) graphStart(f *astiav.Frame) float64 {
	if !s.rebuilt {
		return 0
	}
	return max(s.seconds(f.Pts()), 0)
}

func sarArg(r astiav.Rational) string {
	if r.Num() <= 0 || r.Den() <= 0 {
		return "1/1"
	}
	return r.String()
}

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
			cFrame(f).nb_samples = C.int(keep)
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
	key := fmt.Sprintf("%d/%d/%s", f.SampleRate(), f.SampleFormat(), f.ChannelLayout())
	if s.gr != nil && key != s.grKey {
		if err := r.restartGraph(s, f, r.drainAudio); err != nil {
			return err
		}
	}
	if s.gr == nil {
		s.grKey = key
		args := astiav.FilterArgs{
			"sample_rate":    strconv.Itoa(f.SampleRate()),
			"sample_fmt":     f.SampleFormat().Name(),
			"channel_layout": f.ChannelLayout().String(),
			"time_base":      s.tb.String(),
		}
		gr, err := newGraph(true, args, audioFilterSpec(r.limit, r.o.plan.audio.shape, s.graphStart(f)), 1)
		if err != nil {
			return err
		}
		s.gr = gr
	}
	if err := s.gr.push(f); err != nil {
		return err
	}
	return r.drainAudio()
}

// drainAudio emits the normalised audio, then keeps a black picture level
// with the sound when the clip has no video.
func (r *clipRun) drainAudio() error {
	return r.audio.gr.drain(func(out *astiav.Frame) error {
		r.emitted = true
		pts := out.Pts()
		if pts != NoPTS {
			pts = astiav.RescaleQ(pts, r.audio.gr.timeBase(), astiav.NewRational(1, max(out.SampleRate(), 1)))
		}
		if err := r.o.emitAudio(out, pts); err != nil {
			return err
		}
		if r.video == nil || r.video.dec == nil {
			return r.o.fillVideo(r.o.videoAt(r.o.audioTime()))
		}
		return nil
	})
}
