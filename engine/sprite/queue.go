package sprite

import (
	"context"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

var _ queue.Processor = (*Engine)(nil)

// Process runs one queued video/sprite task: the queue's adapter to Run.
func (e *Engine) Process(ctx context.Context, job *queue.Job) (*queue.Result, error) {
	p, err := parser.Parse(job.Process)
	if err != nil {
		return nil, err // validated at submission: a task stored by an incompatible version
	}
	if p.Sprite == nil {
		return nil, osserr.New(osserr.InvalidArgument, "video/sprite: the task has no sprite parameters")
	}
	return engine.Result(e.Run(ctx, p.Sprite, p.SaveAs, engine.TaskOf(job)))
}
