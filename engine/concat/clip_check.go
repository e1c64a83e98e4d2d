package concat

import (
	"strings"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// duration is the clip's length in the output: its longer stream, cut at t.
func (r *clipRun) duration() float64 {
	d := r.contentEnd()
	if r.limit > 0 {
		d = min(d, r.limit)
	}
	return d
}

// decodedAny reports whether any frame (or, for a stream the output does
// not carry, any timed packet) was read.
func (r *clipRun) decodedAny() bool {
	for _, s := range []*streamState{r.video, r.audio} {
		if s != nil && (s.frames > 0 || (s.dec == nil && s.end != 0)) {
			return true
		}
	}
	return false
}

// contentEnd is where the clip's data ends, seconds after ss, whatever t is.
func (r *clipRun) contentEnd() float64 {
	d := 0.0
	for _, s := range []*streamState{r.video, r.audio} {
		if s != nil {
			d = max(d, s.end)
		}
	}
	return d
}

// check fails the clip when its streams did not decode (corrupt data) or,
// for containers that record their duration, when the data stops well
// before it (a truncated upload).
func (r *clipRun) check() error {
	for _, s := range []*streamState{r.video, r.audio} {
		if s == nil || s.dec == nil || s.packets == 0 {
			continue
		}
		kind := s.st.CodecParameters().MediaType().String()
		if s.frames == 0 {
			return osserr.New(osserr.InvalidMedia, "%s is corrupt: its %s stream has no decodable frame", r.src.name(), kind)
		}
		if s.errs > 2 && s.errs*4 > s.packets {
			return osserr.New(osserr.InvalidMedia, "%s is corrupt: %d of %d %s packets failed to decode", r.src.name(), s.errs, s.packets, kind)
		}
	}
	if !r.toEnd {
		return nil
	}
	in := r.src.in
	name := in.Format.InputFormat().Name()
	if !strings.Contains(name, "mov") && !strings.Contains(name, "matroska") {
		return nil
	}
	declared := r.declared()
	got := r.src.clip.Start.Seconds() + r.contentEnd()
	if declared > 0 && declared-got > max(0.25, 0.02*declared) {
		return osserr.New(osserr.InvalidMedia, "%s is truncated or corrupt: it declares %.2f s but only %.2f s could be read", r.src.name(), declared, got)
	}
	return nil
}

// declared is how long the clip says its chosen streams last, in seconds
// from the container start: their own durations (an MP4's track headers,
// so a longer subtitle or data track does not count), else the container's.
func (r *clipRun) declared() float64 {
	d := 0.0
	for _, s := range []*streamState{r.video, r.audio} {
		if s == nil || s.st.Duration() <= 0 {
			continue
		}
		start := s.st.StartTime()
		if start == libav.NoPTS {
			start = r.src.in.StartTime(s.st)
		}
		d = max(d, s.seconds(start+s.st.Duration()-r.src.in.StartTime(s.st)))
	}
	if d == 0 {
		d = r.src.in.Duration(nil).Seconds()
	}
	return d
}
