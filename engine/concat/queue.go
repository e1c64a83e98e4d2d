package concat

import (
	"context"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

var _ queue.Processor = (*Engine)(nil)

// Process runs one queued video/concat task: the queue's adapter to Run.
// Afterwards the C heap's free memory goes back to the system
// (libav.ReleaseMemory), so a long-running emulator does not keep the
// peak of its largest task.
func (e *Engine) Process(ctx context.Context, job *queue.Job) (*queue.Result, error) {
	defer libav.ReleaseMemory()
	p, err := parser.Parse(job.Process)
	if err != nil {
		return nil, err // validated at submission: a task stored by an incompatible version
	}
	if p.Concat == nil {
		return nil, osserr.New(osserr.InvalidArgument, "video/concat: the task has no concat parameters")
	}
	return engine.Result(e.Run(ctx, p.Concat, p.SaveAs, engine.TaskOf(job)))
}
