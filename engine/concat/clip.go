package concat

import (
	"context"
	"errors"
	"math"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// clipRun reads one clip, trims it to ss/t, normalises it through its
// filter graphs and feeds the output. It owns the clip's decoders (through
// the Input), graphs and frames, all freed by close.
type clipRun struct {
	ctx     context.Context
	o       *output
	src     *clipSource
	threads threads
	limit   float64 // t in seconds; 0 = to the end
	srcRate float64 // nominal video rate, for frames without a duration

	video, audio *streamState // nil when the clip has no such stream

	pkt        *astiav.Packet
	frame      *astiav.Frame
	pending    *astiav.Frame // latest video frame before ss
	hasPending bool
	seeked     bool // a seek to ss was made
	emitted    bool // something reached the output
	toEnd      bool // the whole file was read
	c          *astikit.Closer
}

// runClip appends one clip to the output.
func runClip(ctx context.Context, o *output, src *clipSource, threads threads) error {
	r := &clipRun{ctx: ctx, o: o, src: src, threads: threads, limit: src.clip.Duration.Seconds(), c: astikit.NewCloser()}
	defer r.c.Close()
	if err := r.open(); err != nil {
		return err
	}
	o.beginClip(r.limit)
	r.seek()
	if err := r.read(); err != nil {
		return err
	}
	if err := r.flush(); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return err
	}
	d := r.duration()
	switch {
	case d > 0:
	case src.clip.Start > 0 && r.contentEnd() == 0 && (r.decodedAny() || r.declared() <= src.clip.Start.Seconds()):
		return osserr.New(osserr.InvalidArgument, "%s: ss %.3f s is at or past the end of the clip", src.name(), src.clip.Start.Seconds())
	default:
		return osserr.New(osserr.InvalidMedia, "%s has no decodable audio or video data", src.name())
	}
	return o.endClip(d)
}

// open prepares the streams: a decoder for each medium the output carries,
// packet timing only for the others.
func (r *clipRun) open() error {
	r.pkt = astiav.AllocPacket()
	r.c.Add(r.pkt.Free)
	r.frame = astiav.AllocFrame()
	r.c.Add(r.frame.Free)
	r.pending = astiav.AllocFrame()
	r.c.Add(r.pending.Free)

	in := r.src.in
	mk := func(st *astiav.Stream, decode bool, decThreads, filterThreads int) (*streamState, error) {
		s := &streamState{st: st, tb: st.TimeBase(), start: in.StartTime(st)}
		s.origin = s.start + astiav.RescaleQ(r.src.clip.Start.Microseconds(), astiav.NewRational(1, 1_000_000), st.TimeBase())
		// Reading starts at the stream's start; seek moves this to ss.
		s.nextPts = s.start
		if decode {
			d, err := in.OpenDecoder(st, decThreads, nil)
			if err != nil {
				return nil, clipError(r.src.name(), err)
			}
			s.dec = d
		}
		s.chain = libav.NewChain(st.CodecParameters().MediaType() == astiav.MediaTypeAudio, s.tb, filterThreads)
		r.c.Add(s.chain.Close)
		return s, nil
	}
	var err error
	if st := r.src.video; st != nil {
		r.srcRate = in.FrameRate(st)
		if r.video, err = mk(st, r.o.venc != nil, r.threads.decoder(), r.threads.filter()); err != nil {
			return err
		}
	}
	if st := r.src.audio; st != nil {
		if r.audio, err = mk(st, r.o.aenc != nil, 1, 1); err != nil {
			return err
		}
	}
	return nil
}

// seek jumps to the keyframe at or before ss; frames between it and ss are
// decoded and dropped. A failed seek just means reading from the start.
// A stream whose length libav only guessed from the bitrate (a raw H.264
// or HEVC elementary stream: no timestamps, no index) is not seeked: the
// seek would land at a byte offset computed from that guess, possibly past
// the data, and frames there have no time to check it by. Such clips are
// decoded from the start, timed by frame count, and trimmed as they go.
func (r *clipRun) seek() {
	ss := r.src.clip.Start
	if ss <= 0 || r.src.in.DurationGuessed() {
		return
	}
	start := int64(0)
	if st := r.src.in.Format.StartTime(); st != libav.NoPTS {
		start = st
	}
	if r.src.in.Format.SeekFrame(-1, start+ss.Microseconds(), astiav.NewSeekFlags(astiav.SeekFlagBackward)) == nil {
		r.seeked = true
		// Frames without a timestamp right after the seek are taken to
		// be at ss, the best guess left.
		for _, s := range []*streamState{r.video, r.audio} {
			if s != nil {
				s.nextPts = s.origin
			}
		}
	}
}

// rewind restarts the clip from its first byte after a seek overshot.
func (r *clipRun) rewind() error {
	r.seeked = false
	start := int64(0)
	if st := r.src.in.Format.StartTime(); st != libav.NoPTS {
		start = st
	}
	if err := r.src.in.Format.SeekFrame(-1, start, astiav.NewSeekFlags(astiav.SeekFlagBackward)); err != nil {
		return osserr.Wrap(osserr.InvalidMedia, err, "%s: cannot seek back to the start: %v", r.src.name(), err)
	}
	for _, s := range []*streamState{r.video, r.audio} {
		if s == nil {
			continue
		}
		if s.dec != nil {
			s.dec.Flush()
		}
		s.chain.Reset() // may hold samples from the overshot position
		s.nextPts, s.end, s.done = s.start, 0, false
		s.pktEnd, s.pktEndOK = 0, false
	}
	r.pending.Unref()
	r.hasPending = false
	return nil
}

// read demuxes until the end of the file, or until every stream has passed t.
func (r *clipRun) read() error {
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if r.limit > 0 && (r.video == nil || r.video.done) && (r.audio == nil || r.audio.done) {
			return nil
		}
		if err := r.src.in.Format.ReadFrame(r.pkt); err != nil {
			if rerr := r.src.in.ReadError(r.ctx, err); rerr != nil {
				return clipError(r.src.name(), rerr)
			}
			r.toEnd = true
			return nil
		}
		err := r.packet()
		r.pkt.Unref()
		if errors.Is(err, errOvershoot) {
			err = r.rewind()
		}
		if err != nil {
			return err
		}
	}
}

func (r *clipRun) packet() error {
	switch i := r.pkt.StreamIndex(); {
	case r.video != nil && i == r.video.st.Index():
		return r.feed(r.video, r.pkt, r.onVideo)
	case r.audio != nil && i == r.audio.st.Index():
		return r.feed(r.audio, r.pkt, r.onAudio)
	}
	return nil
}

// flush drains the decoders, then closes each graph at the stream's end so
// fps and atrim release their last frames.
func (r *clipRun) flush() error {
	if v := r.video; v != nil {
		if err := r.feed(v, nil, r.onVideo); err != nil {
			return err
		}
		if r.hasPending {
			r.hasPending = false
			if err := r.pushVideo(r.pending); err != nil {
				return err
			}
		}
		if err := r.endGraph(v, r.emitVideo); err != nil {
			return err
		}
	}
	if a := r.audio; a != nil {
		if err := r.feed(a, nil, r.onAudio); err != nil {
			return err
		}
		if err := r.endGraph(a, r.emitAudio); err != nil {
			return err
		}
	}
	return nil
}

// endGraph ends a stream's graph where its content ends (at t at the
// latest) and emits what the graph still holds.
func (r *clipRun) endGraph(s *streamState, emit func(*astiav.Frame) error) error {
	end := s.end
	if r.limit > 0 {
		end = min(end, r.limit)
	}
	if s == r.video && r.o.venc != nil && r.o.vNext == 0 {
		// A picture shorter than one output frame period (0.5 s at fps_1,
		// say) has nothing fps would keep: the EOF rounds to frame 0. The
		// output would then lack the video track the request asked for, so
		// the first clip with pictures shows one frame of it.
		end = max(end, 1/r.o.rate.Float64())
	}
	return s.chain.End(int64(math.Ceil(end/s.tb.Float64())), emit)
}
