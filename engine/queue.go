package engine

import (
	"context"
	"strings"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// TaskOf is the Task of a queued job.
func TaskOf(job *queue.Job) Task {
	return Task{
		Storage: job.Storage, Bucket: job.Bucket, Object: job.Object, Created: job.CreatedAt,
		WorkDir: job.WorkDir, Threads: job.Threads, Progress: job.Progress,
	}
}

// Result is what the queue publishes for a run's outputs, with the sprite
// sheets' cell map as the task's detail; on error it is nil, so the queue
// publishes nothing.
func Result(outs []Output, err error) (*queue.Result, error) {
	if err != nil {
		return nil, err
	}
	detail, err := spriteDetail(outs)
	if err != nil {
		return nil, err
	}
	res := &queue.Result{Outputs: make([]queue.Output, len(outs)), Detail: detail}
	for i, o := range outs {
		res.Outputs[i] = queue.Output{Bucket: o.Bucket, Key: o.Key, Path: o.Path, ContentType: o.ContentType}
	}
	return res, nil
}

// Process is the queue adapter both engines share: it parses the job's
// process string once (validated at submission, so an error here means a
// task stored by an incompatible version), takes the engine's stage from it
// with stage (nil: the task is not this action's), runs it, and returns what
// the queue publishes. Afterwards the C heap's free memory goes back to the
// system (libav.ReleaseMemory), so a long-running emulator does not keep the
// peak of its largest task.
func Process[S any](ctx context.Context, job *queue.Job, action string, stage func(*parser.Pipeline) *S,
	run func(context.Context, *S, parser.SaveAs, Task) ([]Output, error)) (*queue.Result, error) {
	defer libav.ReleaseMemory()
	p, err := parser.Parse(job.Process)
	if err != nil {
		return nil, err
	}
	s := stage(p)
	if s == nil {
		return nil, osserr.New(osserr.InvalidArgument, "%s: the task has no %s parameters", action, strings.TrimPrefix(action, "video/"))
	}
	return Result(run(ctx, s, p.SaveAs, TaskOf(job)))
}
