package concat

import (
	"errors"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// errOvershoot means a seek landed after the clip's ss (an input without a
// usable index); the clip is then read again from its beginning.
var errOvershoot = errors.New("concat: seek landed past the start point")

// streamState follows one stream of the clip being read. Timestamps are
// made relative to the clip's origin (container start + ss), so 0 is the
// first instant the output shows and the trims are plain comparisons.
type streamState struct {
	st       *astiav.Stream
	dec      *libav.Decoder // nil: the output has no such stream; packets only time the clip
	chain    *libav.Chain   // the stream's normalising graph
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

// graphStart is where a new graph's clock starts: 0 for the clip's first
// graph (so fps and aresample fill a late start), else the frame's time.
func (s *streamState) graphStart(f *astiav.Frame, restarted bool) float64 {
	if !restarted {
		return 0
	}
	return max(s.seconds(f.Pts()), 0)
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
		s.pktEndOK = pkt.Duration() > 0 && pkt.Pts() != libav.NoPTS
		if s.pktEndOK {
			s.pktEnd = max(s.pktEnd, pkt.Pts()+pkt.Duration()-s.origin)
		}
	}
	if err := s.dec.SendPacket(pkt); err != nil && !errors.Is(err, astiav.ErrEof) {
		if _, ok := osserr.As(err); ok {
			return err // the decoder's own refusal: the pixel budget
		}
		s.errs++
		return nil
	}
	for {
		err := s.dec.ReceiveFrame(r.frame)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if _, ok := osserr.As(err); ok {
			return err
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
	if pts == libav.NoPTS {
		pts = pkt.Dts()
	}
	if pts == libav.NoPTS {
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
	pts := libav.BestEffortTimestamp(f)
	if pts == libav.NoPTS {
		pts = s.nextPts
	}
	s.nextPts = pts + dur
	rel := pts - s.origin
	f.SetPts(rel)
	return s.seconds(rel), s.seconds(rel + dur)
}
