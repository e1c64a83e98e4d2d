package concat

import (
	"context"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

var _ queue.Processor = (*Engine)(nil)

// Process runs one queued video/concat task: the queue's adapter to Run
// (engine.Process).
func (e *Engine) Process(ctx context.Context, job *queue.Job) (*queue.Result, error) {
	return engine.Process(ctx, job, parser.ActionConcat,
		func(p *parser.Pipeline) *parser.Concat { return p.Concat }, e.Run)
}
