package ffmpeg

import (
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// task is a queue job with its process string parsed: each processor
// parses the string once, at the top of Process, and works from this.
type task struct {
	*queue.Job
	Pipeline *parser.Pipeline
}

// parseJob parses job.Process. The string was validated at submission, so
// an error here means a task stored by an incompatible version; it fails
// the task with the parser's InvalidArgument.
func parseJob(job *queue.Job) (*task, error) {
	pl, err := parser.Parse(job.Process)
	if err != nil {
		return nil, err
	}
	return &task{Job: job, Pipeline: pl}, nil
}
