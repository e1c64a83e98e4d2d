package concat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// clipSource is one opened input of a concatenation with its chosen streams.
type clipSource struct {
	index    int // position in the concatenation, 0-based
	clip     parser.Clip
	key      string
	in       *libav.Input
	video    *astiav.Stream // nil when the clip has no video
	audio    *astiav.Stream // nil when the clip has no audio
	rotation int            // degrees clockwise to display upright
}

// name identifies the clip in error messages: its position and object.
func (s *clipSource) name() string {
	return fmt.Sprintf("clip %d (%s)", s.index+1, s.in.Name)
}

// openClips opens and probes every clip before any encoding starts, so a
// missing or unreadable clip, or one over the pixel budget maxPixels,
// fails the task at once. On error everything opened so far is closed.
func openClips(ctx context.Context, t engine.Task, spec *parser.Concat, maxPixels int64) (_ []*clipSource, err error) {
	clips := make([]*clipSource, 0, len(spec.Clips))
	defer func() {
		if err != nil {
			closeClips(clips)
		}
	}()
	for i, c := range spec.Clips {
		key := c.Key
		if c.Self || key == "" {
			key = t.Object
		}
		in, err := libav.OpenInput(ctx, t.Storage, t.Bucket, key, maxPixels)
		if err != nil {
			return nil, clipError(fmt.Sprintf("clip %d (%s/%s)", i+1, t.Bucket, key), err)
		}
		s := &clipSource{index: i, clip: c, key: key, in: in}
		clips = append(clips, s)
		s.video = in.MainStream(astiav.MediaTypeVideo)
		s.audio = in.MainStream(astiav.MediaTypeAudio)
		if s.video == nil && s.audio == nil {
			return nil, osserr.New(osserr.InvalidMedia, "%s has no audio or video stream", s.name())
		}
		if s.video != nil {
			if p := s.video.CodecParameters(); p.Width() <= 0 || p.Height() <= 0 {
				return nil, osserr.New(osserr.InvalidMedia, "%s: video stream has no picture size", s.name())
			}
			if err := in.CheckPixels(s.video); err != nil {
				return nil, clipError(s.name(), err)
			}
			s.rotation = libav.Rotation(s.video)
		}
	}
	return clips, nil
}

// clipError puts the clip's position and name in front of an input error,
// keeping its code (NoSuchKey, InvalidMedia) and transience.
func clipError(name string, err error) error {
	if osserr.IsTransient(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
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
