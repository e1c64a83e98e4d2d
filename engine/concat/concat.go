// Package concat is the video/concat engine: it joins the clips of a
// request (trimmed, normalised to one picture size, frame rate and audio
// format) into one output file, or into segments with /segment, on the
// libav layer in engine/libav. See docs/concat.md.
package concat

import (
	"context"
	"path/filepath"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// Engine runs video/concat requests.
type Engine struct {
	cfg engine.Config
}

// New returns the engine; cfg.VideoPreset is the x264/x265 preset and
// cfg.MaxInputPixels the pixel budget (their defaults when zero).
func New(cfg engine.Config) *Engine {
	return &Engine{cfg: cfg.WithDefaults()}
}

// Run joins the clips of spec and returns the written files (in
// t.WorkDir), named through saveas. On any error nothing is returned.
func (e *Engine) Run(ctx context.Context, spec *parser.Concat, saveas parser.SaveAs, t engine.Task) ([]engine.Output, error) {
	clips, p, err := e.prepare(ctx, spec, t)
	if err != nil {
		return nil, err
	}
	defer closeClips(clips)

	path := filepath.Join(t.WorkDir, "concat."+p.format.Ext())
	if spec.Segment != nil {
		path = segmentPattern(t.WorkDir, p.format)
	}
	threads := newThreads(t.Threads)
	o, err := newOutput(p, path, e.cfg.VideoPreset, threads)
	if err != nil {
		return nil, err
	}
	defer o.close()
	progress := engine.NewProgress(t.Progress)
	o.progress = func(sec float64) { progress.At(sec, p.total.Seconds()) }

	if err := join(ctx, o, clips, threads); err != nil {
		return nil, err
	}
	if err := o.finish(); err != nil {
		return nil, err
	}
	o.close()

	outs, err := outputs(t, saveas, p, path)
	if err != nil {
		return nil, err
	}
	progress.Done()
	return outs, nil
}

// prepare is the start of a run, and all of Plan: it opens every clip of
// spec and resolves the output from them. On error nothing stays open.
func (e *Engine) prepare(ctx context.Context, spec *parser.Concat, t engine.Task) ([]*clipSource, *plan, error) {
	clips, err := openClips(ctx, t, spec, e.cfg.MaxInputPixels)
	if err != nil {
		return nil, nil, err
	}
	p, err := newPlan(spec, clips)
	if err != nil {
		closeClips(clips)
		return nil, nil, err
	}
	return clips, p, nil
}
