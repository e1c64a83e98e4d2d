package concat

import (
	"context"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// Planned is the output a video/concat request will produce once the
// parameters it left out are filled in from the align clip.
type Planned struct {
	Format   string        // container written (the segment format with /segment)
	Duration time.Duration // estimated output duration (clips after ss/t)
	Video    *PlannedVideo // nil: no video output
	Audio    *PlannedAudio // nil: no audio output
}

// PlannedVideo is the resolved video encoding.
type PlannedVideo struct {
	Codec         string
	Width, Height int
	FPS           float64
	PixFmt        string
	Bitrate       int64 // 0 in CRF mode
	CRF           float64
	HasCRF        bool
	GOP           int
	ScaleType     string
	From          int // 0-based clip the defaults came from; -1 when no clip has video
}

// PlannedAudio is the resolved audio encoding.
type PlannedAudio struct {
	Codec      string
	SampleRate int
	Channels   int
	Layout     string
	Bitrate    int64 // 0: the encoder's default, or quality mode
	From       int   // 0-based clip the defaults came from; -1 when no clip has audio
}

// Plan opens every clip of spec from t's storage (t.Object is the
// request's own object) and resolves the output exactly as Run starts
// (the same step), without encoding anything: the web console shows it
// next to a task. Only t's Storage, Bucket and Object are used.
func (e *Engine) Plan(ctx context.Context, spec *parser.Concat, t engine.Task) (*Planned, error) {
	clips, p, err := e.prepare(ctx, spec, t)
	if err != nil {
		return nil, err
	}
	defer closeClips(clips)
	out := &Planned{Format: string(p.format), Duration: p.total}
	if v := p.video; v != nil {
		out.Video = &PlannedVideo{
			Codec: string(v.opts.Codec), Width: v.shape.Width, Height: v.shape.Height, FPS: v.shape.Rate.Float64(),
			PixFmt: v.shape.PixFmt.Name(), Bitrate: v.bitrate, CRF: v.opts.CRF, HasCRF: v.opts.HasCRF,
			GOP: v.opts.GOP, ScaleType: string(v.shape.Scale), From: clipIndex(refClip(clips, spec.Align, true)),
		}
	}
	if a := p.audio; a != nil {
		out.Audio = &PlannedAudio{
			Codec: string(a.opts.Codec), SampleRate: a.rate, Channels: a.channels, Layout: a.layout.String(),
			Bitrate: a.bitrate, From: clipIndex(refClip(clips, spec.Align, false)),
		}
	}
	return out, nil
}

// clipIndex is c's position, -1 for none.
func clipIndex(c *clipSource) int {
	if c == nil {
		return -1
	}
	return c.index
}
