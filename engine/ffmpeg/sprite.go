package ffmpeg

import (
	"context"
	"image"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// Sprite is the video/sprite processor: it captures frames from the source
// video (inter, key, avg or dhash mode), scales them into cells and tiles
// them into JPEG or PNG sheets. See docs/sprite.md.
type Sprite struct {
	cfg Config
}

// NewSprite returns the video/sprite processor.
func NewSprite(cfg Config) *Sprite { return &Sprite{cfg: cfg} }

var _ queue.Processor = (*Sprite)(nil)

// Process runs one video/sprite task.
func (s *Sprite) Process(ctx context.Context, qjob *queue.Job) (*queue.Result, error) {
	job, err := parseJob(qjob)
	if err != nil {
		return nil, err
	}
	res, _, err := s.run(ctx, job, true)
	return res, err
}

// run is Process with seeking optional, so tests can show that both ways
// pick the same frames; it also returns the capture for its statistics.
func (s *Sprite) run(ctx context.Context, job *task, seek bool) (*queue.Result, *capture, error) {
	p := job.Pipeline.Sprite
	if p == nil {
		return nil, nil, osserr.New(osserr.InvalidArgument, "video/sprite: the task has no sprite parameters")
	}
	in, err := OpenInput(ctx, job.Storage, job.Bucket, job.Object)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	v := in.MainStream(astiav.MediaTypeVideo)
	if v == nil {
		return nil, nil, osserr.New(osserr.InvalidMedia, "object %s has no video stream", in.Name)
	}
	src, err := spriteSourceSize(in, v)
	if err != nil {
		return nil, nil, err
	}
	g := cellLayout(p, src)
	size, err := sheetSize(p, g.Cell)
	if err != nil {
		if e, ok := osserr.As(err); ok {
			err = osserr.New(e.Code, "%s; object %s is %dx%d", e.Message, in.Name, src.X, src.Y)
		}
		return nil, nil, err
	}

	c := &capture{
		// Raw streams have no timestamps to seek by (libav would read
		// to the end looking for one): decode them straight through.
		in: in, keyOnly: p.Mode == parser.ModeKey, seek: seek && !in.DurationGuessed(),
		origin: in.StartTime(v), tb: v.TimeBase(), frameDt: frameDuration(v),
	}
	dur := videoEnd(in, v, c)
	if in.DurationGuessed() {
		dur = 0 // estimated from the bitrate (raw streams): may be far off
	}
	if dur <= 0 && p.Mode == parser.ModeAvg {
		if dur, err = scanDuration(ctx, c, v.Index()); err != nil {
			return nil, nil, err
		}
	}
	if dur > 0 && p.Start >= dur {
		return nil, nil, osserr.New(osserr.InvalidArgument, "video/sprite: ss %d ms is not before the end of the video in %s (%d ms)",
			p.Start.Milliseconds(), in.Name, dur.Milliseconds())
	}
	opts := map[string]string(nil)
	if c.keyOnly {
		opts = map[string]string{"skip_frame": "nokey"}
	}
	if c.dec, err = in.OpenDecoder(v, job.Threads, opts); err != nil {
		return nil, nil, err
	}
	c.sel = newSelector(p, dur)
	c.thumbs = newThumbnailer()
	defer c.thumbs.close()
	scaler := newCellScaler(g.Scaled, Rotation(v))
	defer scaler.close()
	c.onTime = progressReporter(job, p, dur)

	w := newSheetWriter(job)
	defer w.finish()
	var cur *sheet // allocated on its first cell
	err = c.run(ctx, func(f *astiav.Frame, _ time.Duration) error {
		if cur == nil {
			cur = newSheet(p, g, size)
		}
		if err := scaler.scale(f, v.TimeBase(), cur.add); err != nil {
			return err
		}
		if !cur.full() {
			return nil
		}
		img := cur.img
		cur = nil
		return w.write(img)
	})
	if err == nil && cur != nil {
		err = w.write(cur.img)
	}
	if err == nil {
		err = c.truncated()
	}
	if err != nil {
		return nil, c, err
	}
	outs, err := w.finish()
	if err != nil {
		return nil, c, err
	}
	if len(c.Times) == 0 {
		if p.Start > 0 {
			return nil, c, osserr.New(osserr.InvalidArgument, "video/sprite: %s has no video frame at or after ss %d ms", in.Name, p.Start.Milliseconds())
		}
		return nil, c, osserr.New(osserr.InvalidMedia, "video/sprite: no frame could be captured from %s", in.Name)
	}
	if job.Progress != nil {
		job.Progress(100)
	}
	return &queue.Result{Outputs: outs}, c, nil
}

// spriteSourceSize is the upright display size of the video: coded size,
// stretched by a non-square sample aspect ratio, turned by the rotation.
func spriteSourceSize(in *Input, v *astiav.Stream) (image.Point, error) {
	par := v.CodecParameters()
	w, h := par.Width(), par.Height()
	if w <= 0 || h <= 0 {
		return image.Point{}, osserr.New(osserr.InvalidMedia, "object %s: the video stream has no frame size", in.Name)
	}
	// The container's aspect ratio wins over the bitstream's, as players
	// (and av_guess_sample_aspect_ratio) decide: an H.263 stream says 12:11
	// but a 3GP shows it square.
	sar := v.SampleAspectRatio()
	if sar.Num() <= 0 || sar.Den() <= 0 {
		sar = par.SampleAspectRatio()
	}
	if sar.Num() > 0 && sar.Den() > 0 && sar.Num() != sar.Den() {
		w = scaleSide(w, sar.Num(), sar.Den())
	}
	if r := Rotation(v); r == 90 || r == 270 {
		w, h = h, w
	}
	return image.Point{X: w, Y: h}, nil
}

// videoEnd is when the video stream ends, counted like frame times: the
// stream's own duration when the container records one (an audio track may
// run longer), else the container's duration, else 0 (unknown).
func videoEnd(in *Input, v *astiav.Stream, c *capture) time.Duration {
	if d, st := v.Duration(), v.StartTime(); d > 0 && st != NoPTS {
		return c.time(st + d)
	}
	return in.Duration(v)
}

// frameDuration is the nominal frame interval (25 fps when unknown).
func frameDuration(v *astiav.Stream) time.Duration {
	if r := v.AvgFrameRate(); r.Num() > 0 && r.Den() > 0 {
		return time.Duration(int64(time.Second) * int64(r.Den()) / int64(r.Num()))
	}
	return time.Second / 25
}

// scanDuration finds the video's length when the container does not say,
// by reading (not decoding) every packet, then rewinds.
func scanDuration(ctx context.Context, c *capture, idx int) (time.Duration, error) {
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	var end, next time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := c.in.Format.ReadFrame(pkt); err != nil {
			if err := c.in.ReadError(ctx, err); err != nil {
				return 0, err
			}
			break
		}
		if pkt.StreamIndex() == idx {
			// Raw streams (an .h264 file) may have no timestamps at
			// all, only packet durations: then the packets add up.
			d := c.frameDt
			if pkt.Duration() > 0 {
				d = c.time(c.origin + pkt.Duration())
			}
			ts := pkt.Pts()
			if ts == NoPTS {
				ts = pkt.Dts()
			}
			if ts != NoPTS {
				next = c.time(ts) + d
			} else {
				next += d
			}
			end = max(end, next)
		}
		pkt.Unref()
	}
	return end, rewind(ctx, c.in, idx, c.origin)
}

// rewind goes back to the start of the input. Raw streams (an .h264
// elementary stream) cannot seek by timestamp but can by byte.
func rewind(ctx context.Context, in *Input, idx int, origin int64) error {
	err := in.Format.SeekFrame(idx, origin, astiav.NewSeekFlags(astiav.SeekFlagBackward))
	if err != nil {
		err = in.Format.SeekFrame(-1, 0, astiav.NewSeekFlags(astiav.SeekFlagByte))
	}
	if err != nil {
		return in.mediaError(ctx, err, "cannot be rewound")
	}
	return nil
}

// progressReporter maps frame times onto 0–99 % of the captured span
// (100 % is reported when the sheets are written).
func progressReporter(job *task, p *parser.Sprite, dur time.Duration) func(time.Duration) {
	last := -1
	return func(t time.Duration) {
		if job.Progress == nil || dur <= p.Start {
			return
		}
		pct := int(int64(t-p.Start) * 99 / int64(dur-p.Start))
		if pct = min(max(pct, 0), 99); pct != last {
			last = pct
			job.Progress(pct)
		}
	}
}
