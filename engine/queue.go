package engine

import (
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
