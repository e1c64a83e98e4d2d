package sprite

import (
	"time"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

// selector decides which decoded frames become cells. Frame times are
// relative to the container start. In inter, avg and dhash modes there is a
// sequence of wanted times; each is served by the first frame at or after
// it, and a frame serves every wanted time up to its own, so no frame is
// used twice (an interval shorter than the frame interval therefore means
// "every frame"). The choice depends only on frame times, so seeking and
// decoding straight through pick the same frames.
type selector struct {
	mode     parser.CaptureMode
	start    time.Duration
	interval time.Duration // inter, dhash: 0 = every frame
	span     time.Duration // avg: from start to the end of the video
	num      int           // 0 = no limit
	limit    int           // dhash: Hamming distance to exceed

	k      int           // index of the next wanted time
	want   time.Duration // the next wanted time
	kept   int
	hashed bool
	last   uint64 // dhash of the last kept frame
}

func newSelector(p *parser.Sprite, duration time.Duration) *selector {
	s := &selector{
		mode: p.Mode, start: p.Start, interval: p.Interval, num: p.Num,
		span: duration - p.Start, limit: dhashLimit(p.Threshold), want: p.Start,
	}
	return s
}

// wantedAt is the k-th wanted time.
func (s *selector) wantedAt(k int) time.Duration {
	if s.mode == parser.ModeAvg {
		return s.start + time.Duration(int64(s.span)*int64(k)/int64(s.num))
	}
	return s.start + time.Duration(k)*s.interval
}

// done reports that no further frame can be selected.
func (s *selector) done() bool {
	if s.num > 0 && s.kept >= s.num {
		return true
	}
	return s.mode == parser.ModeAvg && s.k >= s.num
}

// next is the earliest time a frame can still be selected at: what the
// capture loop may seek to.
func (s *selector) next() time.Duration {
	if s.mode == parser.ModeKey {
		return s.start
	}
	return s.want
}

// candidate reports whether a frame at t (a keyframe when key is true) is
// a candidate, and advances past the wanted times it serves.
func (s *selector) candidate(t time.Duration, key bool) bool {
	if s.done() || t < s.start {
		return false
	}
	switch s.mode {
	case parser.ModeKey:
		return key
	}
	if t < s.want {
		return false
	}
	if s.interval <= 0 && s.mode != parser.ModeAvg {
		s.want = t + 1 // every frame: the next one after this
		return true
	}
	for s.k++; ; s.k++ {
		if s.mode == parser.ModeAvg && s.k >= s.num {
			break
		}
		if s.want = s.wantedAt(s.k); s.want > t {
			break
		}
	}
	return true
}

// offer puts the frame at t (a keyframe when key) to the selector and
// reports whether it becomes a cell. hash computes the frame's dHash; it
// is called only in dhash mode, for candidates. The capture offers each
// decoded frame and Plan each packet's time, so both choose alike.
func (s *selector) offer(t time.Duration, key bool, hash func() (uint64, error)) (bool, error) {
	if !s.candidate(t, key) {
		return false, nil
	}
	var h uint64
	if s.mode == parser.ModeDHash {
		var err error
		if h, err = hash(); err != nil {
			return false, err
		}
	}
	return s.keep(h), nil
}

// keep decides on a candidate (in dhash mode by comparing hash with the
// last kept frame's) and counts it when kept.
func (s *selector) keep(hash uint64) bool {
	if s.mode == parser.ModeDHash {
		if s.hashed && libav.HashDistance(hash, s.last) <= s.limit {
			return false
		}
		s.hashed, s.last = true, hash
	}
	s.kept++
	return true
}

// dhashLimit maps the sprite threshold thr (0–100) onto the Hamming
// distance a candidate must exceed to be kept: round(thr·64/100). thr 0
// keeps any frame that differs at all; the documented useful range (thr ≤
// 25) is a distance of up to 16 of the 64 bits; thr 100 keeps only the
// first frame.
func dhashLimit(thr int) int { return (thr*64 + 50) / 100 }
