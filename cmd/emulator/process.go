package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/concat"
	"github.com/ossemu/ossemu/engine/sprite"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// Exit status of `emulator process` (also in its -h text and the README).
const (
	exitOK          = 0   // the outputs are written
	exitFailed      = 1   // the task failed: the OSS code and message a task would end with are printed
	exitUsage       = 2   // refused before running: bad flags, a style the parser refuses, inputs that do not match it
	exitInterrupted = 130 // SIGINT or SIGTERM: the work stopped, its partial outputs removed
)

// runProcess is `emulator process [flags] STYLE`: one OSS style run on
// local files with the server's parser, engines and naming rules, without
// HTTP or the queue. It returns the exit status. ctx ends on SIGINT or
// SIGTERM (main), which stops the engine; nothing it wrote survives.
// onLogger is as for run.
func runProcess(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, onLogger ...func(*slog.Logger)) int {
	cfg, err := parseProcessConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "emulator process:", err)
		return exitUsage
	}
	level, _ := cfg.slogLevel()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	for _, f := range onLogger {
		f(logger)
	}
	req, err := newLocalRequest(cfg.Style, cfg.Inputs, time.Now())
	if err == nil && cfg.VTT && req.pipeline.Sprite == nil {
		err = osserr.New(osserr.InvalidArgument, "--vtt applies to video/sprite only")
	}
	if err != nil {
		code, msg := describeError(err)
		fmt.Fprintf(stderr, "emulator process: %s: %s\n", code, msg)
		return exitUsage
	}
	pl := req.pipeline
	place, err := newPlacement(cfg.Output, pl.Sprite != nil || pl.Concat.Segment != nil)
	if err != nil {
		fmt.Fprintln(stderr, "emulator process:", err)
		return exitUsage
	}
	return processRun(ctx, cfg, req, place, stdout, stderr, logger)
}

// processRun runs the engine in a work directory under -o, then places the
// outputs and reports the result.
func processRun(ctx context.Context, cfg processConfig, req *localRequest, place *placement, stdout, stderr io.Writer, logger *slog.Logger) int {
	work, cleanup, err := place.workDir()
	if err != nil {
		fmt.Fprintln(stderr, "emulator process:", err)
		return exitFailed
	}
	defer cleanup()
	progress := newProgressReporter(stderr, cfg.Quiet, req.pipeline.Action())
	started := time.Now()
	outs, err := runLocalEngine(ctx, cfg, req, engine.Task{
		Storage: req.store(), Bucket: processBucket, Object: req.object, Created: req.created,
		WorkDir: work, Threads: cfg.threads(), Progress: progress.report,
	})
	progress.done()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "emulator process: interrupted; the partial outputs were removed")
		return exitInterrupted
	}
	var res *queue.Result
	var written []placed
	if res, err = engine.Result(outs, err); err == nil {
		written, err = place.publish(outs, cfg.Inputs)
	}
	t := localTask(req, started, time.Now())
	if err != nil {
		t.State, t.Progress = queue.Failed, progress.percent()
		t.Code, t.Message = describeError(err)
		logger.Debug("process: failed", "err", err)
		fmt.Fprintf(stderr, "emulator process: %s: %s\n", t.Code, t.Message)
	} else {
		t.State, t.Progress, t.Detail = queue.Succeeded, 100, res.Detail
		for _, w := range written {
			t.Targets = append(t.Targets, w.Ref)
		}
	}
	switch {
	case cfg.JSON:
		if err := writeTaskJSON(stdout, t, written); err != nil {
			fmt.Fprintln(stderr, "emulator process:", err)
			return exitFailed
		}
	case t.State == queue.Succeeded:
		for _, w := range written {
			fmt.Fprintln(stdout, w.Path)
		}
	}
	if t.State != queue.Succeeded {
		return exitFailed
	}
	return exitOK
}

// runLocalEngine runs the request's engine; a panic is a failure of the
// task (InternalError), as in the queue.
func runLocalEngine(ctx context.Context, cfg processConfig, req *localRequest, t engine.Task) (outs []engine.Output, err error) {
	defer func() {
		if r := recover(); r != nil {
			outs, err = nil, osserr.New(osserr.InternalError, "the processor crashed: %v\n%s", r, debug.Stack())
		}
	}()
	pl := req.pipeline
	if pl.Sprite != nil {
		ec := cfg.Engine
		ec.SpriteVTT = cfg.VTT
		return sprite.New(ec).Run(ctx, pl.Sprite, pl.SaveAs, t)
	}
	return concat.New(cfg.Engine).Run(ctx, pl.Concat, pl.SaveAs, t)
}
