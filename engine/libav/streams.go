package libav

/*
#include <libavformat/avformat.h>
*/
import "C"

import (
	"math"
	"strconv"
	"time"

	"github.com/asticode/go-astiav"
)

// NoPTS is libav's "no timestamp" value.
const NoPTS int64 = C.AV_NOPTS_VALUE

// BestStream returns libav's choice of the main stream of type t (it skips
// cover art and prefers default, well-probed streams), or nil if none.
func (in *Input) BestStream(t astiav.MediaType) *astiav.Stream {
	i := int(C.av_find_best_stream(cFormat(in.Format), C.enum_AVMediaType(t), -1, -1, nil, 0))
	if i < 0 {
		return nil
	}
	return in.Format.Streams()[i]
}

// MainStream is the stream of type t an engine should use: libav's best
// one when this build can decode it, else the first such stream it can (a
// phone's extra track in a codec FFmpeg 5.1 lacks, such as a recent
// iPhone's spatial audio next to its AAC track); never cover art (an MP3's
// or M4A's attached picture is a still image, not video: such a file is
// audio only). nil when there is none.
func (in *Input) MainStream(t astiav.MediaType) *astiav.Stream {
	usable := func(s *astiav.Stream) bool {
		par := s.CodecParameters()
		return par.MediaType() == t && astiav.FindDecoder(par.CodecID()) != nil && !attachedPicture(s)
	}
	if s := in.BestStream(t); s != nil && usable(s) {
		return s
	}
	for _, s := range in.Format.Streams() {
		if usable(s) {
			return s
		}
	}
	return nil
}

// attachedPicture reports a cover-art stream (v0.16.0 does not expose the
// disposition).
func attachedPicture(s *astiav.Stream) bool {
	return cStream(s).disposition&C.AV_DISPOSITION_ATTACHED_PIC != 0
}

// Duration is the media duration: the container's, else the stream's, else 0
// (unknown; the caller must then scan packets if it needs it).
func (in *Input) Duration(s *astiav.Stream) time.Duration {
	if d := in.Format.Duration(); d > 0 {
		return time.Duration(d) * time.Microsecond
	}
	if s != nil && s.Duration() > 0 {
		return Timestamp(s.Duration(), s.TimeBase())
	}
	return 0
}

// DurationGuessed reports that libav only estimated the duration from the
// bitrate (raw streams without an index): it may be far off, so it must not
// be used to judge whether the data is complete.
func (in *Input) DurationGuessed() bool {
	return cFormat(in.Format).duration_estimation_method == C.AVFMT_DURATION_FROM_BITRATE
}

// StartTime is the stream timestamp that counts as 0 for ss/t parameters:
// the container's start time (as ffmpeg -ss uses it) rescaled to s.
func (in *Input) StartTime(s *astiav.Stream) int64 {
	if st := in.Format.StartTime(); st != NoPTS {
		return astiav.RescaleQ(st, astiav.NewRational(1, C.AV_TIME_BASE), s.TimeBase())
	}
	if st := s.StartTime(); st != NoPTS {
		return st
	}
	return 0
}

// Timestamp converts ts in time base tb to a duration.
func Timestamp(ts int64, tb astiav.Rational) time.Duration {
	return time.Duration(float64(ts) * float64(tb.Num()) / float64(tb.Den()) * float64(time.Second))
}

// Rotation returns how many degrees clockwise (0, 90, 180 or 270) a stream's
// frames must be turned to display upright: the display matrix side data
// (what phones write), else the legacy "rotate" tag. This is the angle the
// ffmpeg CLI's autorotation uses.
func Rotation(s *astiav.Stream) int {
	deg := 0.0
	if b := s.SideData(astiav.PacketSideDataTypeDisplaymatrix); len(b) >= 36 {
		if m, err := astiav.NewDisplayMatrixFromBytes(b); err == nil {
			deg = m.Rotation()
		}
	} else if md := s.Metadata(); md != nil { // nil when the stream has no tags at all (MPEG-TS)
		if e := md.Get("rotate", nil, astiav.NewDictionaryFlags()); e != nil {
			deg, _ = strconv.ParseFloat(e.Value(), 64)
		}
	}
	if math.IsNaN(deg) {
		return 0
	}
	r := int(math.Round(deg/90)) * 90 % 360
	if r < 0 {
		r += 360
	}
	return r
}
