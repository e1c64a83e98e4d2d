package ffmpeg

/*
#include <libavformat/avformat.h>
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// clipSource is one opened input of a concatenation with its chosen streams.
type clipSource struct {
	index    int // position in the concatenation, 0-based
	clip     parser.Clip
	key      string
	in       *Input
	video    *astiav.Stream // nil when the clip has no video
	audio    *astiav.Stream // nil when the clip has no audio
	rotation int            // degrees clockwise to display upright
}

// name identifies the clip in error messages: its position and object.
func (s *clipSource) name() string {
	return fmt.Sprintf("clip %d (%s)", s.index+1, s.in.Name)
}

// openClips opens and probes every clip before any encoding starts, so a
// missing or unreadable clip fails the task at once. On error everything
// opened so far is closed.
func openClips(ctx context.Context, job *task, spec *parser.Concat) (_ []*clipSource, err error) {
	clips := make([]*clipSource, 0, len(spec.Clips))
	defer func() {
		if err != nil {
			closeClips(clips)
		}
	}()
	for i, c := range spec.Clips {
		key := c.Key
		if c.Self || key == "" {
			key = job.Object
		}
		in, err := OpenInput(ctx, job.Storage, job.Bucket, key)
		if err != nil {
			return nil, clipError(fmt.Sprintf("clip %d (%s/%s)", i+1, job.Bucket, key), err)
		}
		s := &clipSource{index: i, clip: c, key: key, in: in}
		clips = append(clips, s)
		s.video = decodableStream(in, astiav.MediaTypeVideo)
		s.audio = decodableStream(in, astiav.MediaTypeAudio)
		if s.video == nil && s.audio == nil {
			return nil, osserr.New(osserr.InvalidMedia, "%s has no audio or video stream", s.name())
		}
		if s.video != nil {
			if p := s.video.CodecParameters(); p.Width() <= 0 || p.Height() <= 0 {
				return nil, osserr.New(osserr.InvalidMedia, "%s: video stream has no picture size", s.name())
			}
			s.rotation = clipRotation(s.video)
		}
	}
	return clips, nil
}

// decodableStream is libav's best stream of type t when this build can
// decode it, else the first stream of that type it can (a recent iPhone's
// spatial-audio track next to its AAC one), else nil. Cover art is not
// video.
func decodableStream(in *Input, t astiav.MediaType) *astiav.Stream {
	ok := func(st *astiav.Stream) bool {
		return st != nil && st.CodecParameters().MediaType() == t && astiav.FindDecoder(st.CodecParameters().CodecID()) != nil &&
			!(t == astiav.MediaTypeVideo && isCoverArt(st))
	}
	if st := in.BestStream(t); ok(st) {
		return st
	}
	for _, st := range in.Format.Streams() {
		if ok(st) {
			return st
		}
	}
	return nil
}

// isCoverArt reports an attached picture (an MP3's or M4A's cover), which
// is a still image, not video: such a clip counts as audio-only.
func isCoverArt(s *astiav.Stream) bool {
	st := *(**C.AVStream)(unsafe.Pointer(s))
	return st.disposition&C.AV_DISPOSITION_ATTACHED_PIC != 0
}

// clipRotation is Rotation, guarded for streams without any metadata (MPEG-TS):
// Rotation (input.go, v0.16.0's Dictionary.Get) dereferences the missing tag
// dictionary.
func clipRotation(s *astiav.Stream) int {
	if len(s.SideData(astiav.PacketSideDataTypeDisplaymatrix)) < 36 && s.Metadata() == nil {
		return 0
	}
	return Rotation(s)
}

// clipError puts the clip's position and name in front of an input error,
// keeping its code (NoSuchKey, InvalidMedia) and transience.
func clipError(name string, err error) error {
	if osserr.IsTransient(err) || errorsIsContext(err) {
		return err
	}
	if e, ok := osserr.As(err); ok {
		msg := e.Message
		if e.Code.Name == osserr.NoSuchKey.Name {
			msg = "the object does not exist"
		}
		return osserr.Wrap(e.Code, err, "%s: %s", name, msg)
	}
	return err
}

func errorsIsContext(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// closeClips closes every opened input.
func closeClips(clips []*clipSource) {
	for _, s := range clips {
		if s.in != nil {
			s.in.Close()
			s.in = nil
		}
	}
}

// estimate estimates a clip's playing time after its ss/t trims, for
// progress; 0 when unknown.
func (s *clipSource) estimate() time.Duration {
	st := s.video
	if st == nil {
		st = s.audio
	}
	d := s.in.Duration(st) - s.clip.Start
	if s.clip.Duration > 0 && (d <= 0 || d > s.clip.Duration) {
		d = s.clip.Duration
	}
	return max(d, 0)
}
