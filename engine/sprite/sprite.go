// Package sprite is the video/sprite engine: it captures frames from the
// source video (inter, key, avg or dhash mode), scales them into cells and
// tiles them into JPEG or PNG sheets, on the libav layer in engine/libav.
// See docs/sprite.md.
package sprite

import (
	"context"
	"image"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// Engine runs video/sprite requests.
type Engine struct {
	cfg engine.Config
}

// New returns the engine. Sheets are encoded in Go and cells scaled by
// libavfilter, so of the shared settings only the pixel budget
// (cfg.MaxInputPixels) and the WebVTT track (cfg.SpriteVTT) apply to it.
func New(cfg engine.Config) *Engine { return &Engine{cfg: cfg.WithDefaults()} }

// Run captures the frames spec asks for from t's object and returns the
// sheets written (in t.WorkDir), named through saveas. On any error
// nothing is returned.
func (e *Engine) Run(ctx context.Context, spec *parser.Sprite, saveas parser.SaveAs, t engine.Task) ([]engine.Output, error) {
	outs, _, err := e.run(ctx, spec, saveas, t, true)
	return outs, err
}

// spriteRun is one run: the state its steps share. c owns its C memory.
type spriteRun struct {
	cfg      engine.Config
	spec     *parser.Sprite
	task     engine.Task
	names    sheetNames
	seek     bool // seeking allowed (tests turn it off to compare)
	progress *engine.Progress
	c        *astikit.Closer

	in    *libav.Input
	v     *astiav.Stream // the video stream captured
	src   image.Point    // its upright display size
	geom  cellGeometry
	sheet image.Point // size of every sheet
	dur   time.Duration
	cap   *capture
	outs  []engine.Output
}

// run is Run with seeking optional, so tests can show that both ways pick
// the same frames; it also returns the capture for its statistics.
func (e *Engine) run(ctx context.Context, spec *parser.Sprite, saveas parser.SaveAs, t engine.Task, seek bool) ([]engine.Output, *capture, error) {
	r := e.newRun(spec, saveas, t, seek)
	defer r.c.Close()
	if err := r.do(ctx, r.open, r.layout, r.measure, r.openDecoder, r.tile, r.track, r.finish); err != nil {
		return nil, r.cap, err
	}
	return r.outs, r.cap, nil
}

func (e *Engine) newRun(spec *parser.Sprite, saveas parser.SaveAs, t engine.Task, seek bool) *spriteRun {
	return &spriteRun{
		cfg: e.cfg, spec: spec, task: t, seek: seek, c: astikit.NewCloser(),
		names:    sheetNames{task: t, spec: spec, saveas: saveas},
		progress: engine.NewProgress(t.Progress),
	}
}

// do runs steps in order, stopping at the first error or cancellation.
func (r *spriteRun) do(ctx context.Context, steps ...func(context.Context) error) error {
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// open opens the source object and picks its video stream.
func (r *spriteRun) open(ctx context.Context) error {
	in, err := libav.OpenInput(ctx, r.task.Storage, r.task.Bucket, r.task.Object, r.cfg.MaxInputPixels)
	if err != nil {
		return err
	}
	r.c.Add(in.Close)
	r.in = in
	if r.v = in.MainStream(astiav.MediaTypeVideo); r.v == nil {
		return osserr.New(osserr.InvalidMedia, "object %s has no video stream", in.Name)
	}
	return nil
}

// layout sizes the cells and sheets from the video's display size, and
// refuses sheets too large before anything is decoded.
func (r *spriteRun) layout(context.Context) error {
	src, err := sourceSize(r.in, r.v)
	if err != nil {
		return err
	}
	r.src = src
	r.geom = cellLayout(r.spec, src)
	if r.sheet, err = sheetSize(r.spec, r.geom.Cell); err != nil {
		if e, ok := osserr.As(err); ok {
			err = osserr.New(e.Code, "%s; object %s is %dx%d", e.Message, r.in.Name, src.X, src.Y)
		}
		return err
	}
	return nil
}

// measure finds how long the video is (scanning the packets when avg mode
// needs it and the container does not say) and checks ss against it.
func (r *spriteRun) measure(ctx context.Context) error {
	in, v := r.in, r.v
	r.cap = &capture{
		// Raw streams have no timestamps to seek by (libav would read
		// to the end looking for one): decode them straight through.
		in: in, keyOnly: r.spec.Mode == parser.ModeKey, seek: r.seek && !in.DurationGuessed(),
		origin: in.StartTime(v), tb: v.TimeBase(), frameDt: frameDuration(v),
		pkt: astiav.AllocPacket(), frame: astiav.AllocFrame(),
	}
	r.c.Add(r.cap.pkt.Free)
	r.c.Add(r.cap.frame.Free)
	r.dur = videoEnd(in, v, r.cap)
	if in.DurationGuessed() {
		r.dur = 0 // estimated from the bitrate (raw streams): may be far off
	}
	if r.dur <= 0 && r.spec.Mode == parser.ModeAvg {
		var err error
		if r.dur, err = scanDuration(ctx, r.cap, v.Index()); err != nil {
			return err
		}
	}
	if r.dur > 0 && r.spec.Start >= r.dur {
		return osserr.New(osserr.InvalidArgument, "video/sprite: ss %d ms is not before the end of the video in %s (%d ms)",
			r.spec.Start.Milliseconds(), in.Name, r.dur.Milliseconds())
	}
	return nil
}

// decoderThreads is the video decoder's thread count. Decoding is nearly
// all of a sprite task's work and its only parallel part, so above a
// one-core budget the decoder gets one frame thread more than a concat
// decoder (which shares the cores with x264): with cores+1 threads, frames
// waiting on their references left a 2-core machine 12% idle (1.75 cores
// busy); with cores+2, 1.80, and every-frame capture ran about 7% faster.
func decoderThreads(budget int) int {
	if budget <= 1 {
		return 1
	}
	return engine.DecoderThreads(budget) + 1
}

// openDecoder opens the video decoder (keyframes only in key mode) and
// the frame selector.
func (r *spriteRun) openDecoder(context.Context) error {
	opts := map[string]string(nil)
	if r.cap.keyOnly {
		opts = map[string]string{"skip_frame": "nokey"}
	}
	var err error
	if r.cap.dec, err = r.in.OpenDecoder(r.v, decoderThreads(r.task.Threads), opts); err != nil {
		return err
	}
	r.cap.sel = newSelector(r.spec, r.dur)
	r.cap.thumbs = libav.NewThumbnailer(r.c)
	start, span := r.spec.Start, r.dur-r.spec.Start
	r.cap.onTime = func(t time.Duration) { r.progress.At(float64(t-start), float64(span)) }
	return nil
}

// tile captures the selected frames into cells and writes each sheet as
// it fills (the last one possibly partial).
func (r *spriteRun) tile(ctx context.Context) error {
	scaler := newCellScaler(r.geom.Scaled, libav.Rotation(r.v), r.v.TimeBase(), r.c)
	w := newSheetWriter(r.names, r.task.WorkDir)
	defer w.finish()
	var cur *sheet // allocated on its first cell
	err := r.cap.run(ctx, func(f *astiav.Frame, t time.Duration) error {
		if cur == nil {
			cur = newSheet(r.spec, r.geom, r.sheet)
		}
		if err := scaler.scale(f, cur.addAt(t)); err != nil {
			return err
		}
		if !cur.full() {
			return nil
		}
		full := cur
		cur = nil
		return w.write(full)
	})
	if err == nil && cur != nil {
		err = w.write(cur)
	}
	if err == nil {
		err = r.cap.truncated()
	}
	if err != nil {
		return err
	}
	r.outs, err = w.finish()
	return err
}

// track writes the WebVTT thumbnail track when the configuration asks for
// it: the cues run from ss to the end of the video (when the container
// does not say, the last frame decoded).
func (r *spriteRun) track(context.Context) error {
	if !r.cfg.SpriteVTT || len(r.outs) == 0 {
		return nil
	}
	end := r.dur
	if end <= 0 && len(r.cap.Times) > 0 {
		end = max(r.cap.lastT, r.cap.Times[len(r.cap.Times)-1]) + r.cap.frameDt
	}
	out, err := writeVTT(r.names, r.task.WorkDir, r.outs, r.spec.Start, end)
	if err != nil {
		return err
	}
	r.outs = append(r.outs, out)
	return nil
}

// finish refuses a run that captured nothing and reports completion.
func (r *spriteRun) finish(context.Context) error {
	if len(r.cap.Times) == 0 {
		if r.spec.Start > 0 {
			return osserr.New(osserr.InvalidArgument, "video/sprite: %s has no video frame at or after ss %d ms", r.in.Name, r.spec.Start.Milliseconds())
		}
		return osserr.New(osserr.InvalidMedia, "video/sprite: no frame could be captured from %s", r.in.Name)
	}
	r.progress.Done()
	return nil
}
