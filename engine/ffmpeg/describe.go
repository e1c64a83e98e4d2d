package ffmpeg

import (
	"context"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// This file answers "what is this source, and what will the engine make of
// this request?" without encoding anything: the web console shows it next
// to a task. It opens inputs with the same code and picks streams and
// defaults with the same rules the processors use, so what it reports is
// what a run does.

// SourceInfo is what probing one object found.
type SourceInfo struct {
	Container string        // libav's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
	Size      int64         // bytes
	Duration  time.Duration // 0 when unknown
	Bitrate   int64         // container bitrate in bps; 0 when unknown
	Streams   int
	Video     *VideoInfo // the stream the engines would use; nil when none
	Audio     *AudioInfo
}

// VideoInfo describes a video stream.
type VideoInfo struct {
	Codec                       string
	PixFmt                      string
	Width, Height               int // coded size
	DisplayWidth, DisplayHeight int // upright, sample aspect applied
	Rotation                    int // degrees clockwise to display upright
	FPS                         float64
	Bitrate                     int64
}

// AudioInfo describes an audio stream.
type AudioInfo struct {
	Codec      string
	SampleRate int
	Channels   int
	Layout     string
	Bitrate    int64
}

// Probe opens bucket/key and describes its container and the streams the
// engines would pick (InvalidMedia when libav cannot read it).
func Probe(ctx context.Context, store storage.Backend, bucket, key string) (*SourceInfo, error) {
	info, err := store.StatObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	in, err := OpenInput(ctx, store, bucket, key)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	c := &clipSource{in: in, video: in.MainStream(astiav.MediaTypeVideo), audio: in.MainStream(astiav.MediaTypeAudio)}
	s := &SourceInfo{Size: info.Size, Bitrate: in.Format.BitRate(), Streams: len(in.Format.Streams())}
	if f := in.Format.InputFormat(); f != nil {
		s.Container = f.Name()
	}
	if c.video != nil {
		par := c.video.CodecParameters()
		c.rotation = clipRotation(c.video)
		w, h := displaySize(c)
		s.Video = &VideoInfo{
			Codec: par.CodecID().Name(), PixFmt: par.PixelFormat().Name(), Width: par.Width(), Height: par.Height(),
			DisplayWidth: int(w + 0.5), DisplayHeight: int(h + 0.5), Rotation: c.rotation,
			FPS: streamRate(in, c.video), Bitrate: streamBitrate(c, c.video),
		}
	}
	if c.audio != nil {
		par := c.audio.CodecParameters()
		s.Audio = &AudioInfo{
			Codec: par.CodecID().Name(), SampleRate: par.SampleRate(), Channels: par.ChannelLayout().NbChannels(),
			Layout: par.ChannelLayout().String(), Bitrate: streamBitrate(c, c.audio),
		}
	}
	st := c.video
	if st == nil {
		st = c.audio
	}
	s.Duration = in.Duration(st)
	return s, nil
}

// ConcatPlan is the output a video/concat request will produce once the
// parameters it left out are filled in from the align clip.
type ConcatPlan struct {
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

// PlanConcat opens every clip of spec (bucket/object is the request's own
// object) and resolves the output as Concat.Process would, without encoding.
func PlanConcat(ctx context.Context, store storage.Backend, bucket, object string, spec *parser.Concat) (*ConcatPlan, error) {
	job := &task{Job: &queue.Job{Bucket: bucket, Object: object, Storage: store}}
	clips, err := openClips(ctx, job, spec)
	if err != nil {
		return nil, err
	}
	defer closeClips(clips)
	p, err := newPlan(spec, clips)
	if err != nil {
		return nil, err
	}
	out := &ConcatPlan{Format: string(p.format), Duration: p.total}
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

func clipIndex(c *clipSource) int {
	if c == nil {
		return -1
	}
	return c.index
}

// SpritePlan is the geometry of a video/sprite request's sheets and the
// time of each cell.
type SpritePlan struct {
	Source   [2]int        // upright display size of the video
	Cell     [2]int        // cell box
	Scaled   [2]int        // picture inside the cell
	Offset   [2]int        // picture's offset inside the cell
	Sheet    [2]int        // full sheet size
	Duration time.Duration // video length; 0 when unknown
	// Times are the capture times of the cells in order (sheet after sheet,
	// row-major), chosen from the packets' timestamps by the same selector
	// the capture uses; nil in dhash mode, where the choice depends on the
	// pictures.
	Times []time.Duration
}

// PlanSprite opens bucket/object and lays out the sheets of p as
// Sprite.Process would, reading (not decoding) the video's packets to find
// which frames become cells.
func PlanSprite(ctx context.Context, store storage.Backend, bucket, object string, p *parser.Sprite) (*SpritePlan, error) {
	in, err := OpenInput(ctx, store, bucket, object)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	v := in.MainStream(astiav.MediaTypeVideo)
	if v == nil {
		return nil, osserr.New(osserr.InvalidMedia, "object %s has no video stream", in.Name)
	}
	src, err := spriteSourceSize(in, v)
	if err != nil {
		return nil, err
	}
	g := cellLayout(p, src)
	size, err := sheetSize(p, g.Cell)
	if err != nil {
		return nil, err
	}
	c := &capture{in: in, origin: in.StartTime(v), tb: v.TimeBase(), frameDt: frameDuration(v)}
	dur := videoEnd(in, v, c)
	if in.DurationGuessed() {
		dur = 0
	}
	out := &SpritePlan{
		Source: [2]int{src.X, src.Y}, Cell: [2]int{g.Cell.X, g.Cell.Y}, Scaled: [2]int{g.Scaled.X, g.Scaled.Y},
		Offset: [2]int{g.Offset.X, g.Offset.Y}, Sheet: [2]int{size.X, size.Y}, Duration: dur,
	}
	if p.Mode != parser.ModeDHash {
		out.Times, err = packetSelection(ctx, c, v.Index(), p, dur)
	}
	return out, err
}
