package queue

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ossemu/ossemu/storage"
)

// Processor runs one kind of task (video/concat, video/sprite). It reads its
// inputs from Job.Storage, writes its outputs as local files under
// Job.WorkDir, and returns them; the queue publishes them to storage only
// when the task succeeds, so a failed or interrupted task never leaves a
// visible partial output.
//
// Errors: return *osserr.Error values (InvalidArgument, InvalidMedia, …) for
// permanent failures; wrap transient ones with osserr.Transient so the queue retries.
type Processor interface {
	Process(ctx context.Context, job *Job) (*Result, error)
}

// Job is everything a processor gets for one run of a task.
type Job struct {
	TaskID string
	Action string // the task's action, the key its processor is registered under
	// Process is the process string as submitted. The queue does not parse
	// it: the processor does, once per run (it was validated at submission,
	// so a parse error here means a task stored by an incompatible version).
	Process   string
	Bucket    string // source bucket
	Object    string // source object (the request's key)
	Storage   storage.Backend
	WorkDir   string // private scratch directory, removed after the run
	Threads   int    // codec thread budget for this task
	CreatedAt time.Time
	// Progress reports 0–100; cheap to call often.
	Progress func(percent int)
}

// Output is one file to publish when the task succeeds. Outputs are
// published in order, so a later output with the same key replaces an
// earlier one (the sprite "only the last sheet survives" rule).
type Output struct {
	Bucket      string
	Key         string
	Path        string // local file under Job.WorkDir
	ContentType string
}

// Result is what a successful run produced.
type Result struct {
	Outputs []Output
	// Detail is what the processor reports about the run beyond its
	// outputs, as a JSON object recorded with the task when it succeeds
	// (a sprite task's cell map); nil for none. The queue stores it as is.
	Detail json.RawMessage
}
