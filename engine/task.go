package engine

import (
	"time"

	"github.com/ossemu/ossemu/storage"
)

// Task is where one engine run reads, works and reports. The request itself
// (the parsed process string) is passed next to it, so the same run serves
// the task queue and a local command alike.
type Task struct {
	// Storage holds the source objects.
	Storage storage.Backend
	// Bucket and Object are the request's object: the source (sprite) or
	// the default clip (concat), the default output bucket, and the
	// {bucket}/{object} of saveas templates.
	Bucket, Object string
	// Created is when the request was made: the {time} of saveas templates.
	Created time.Time
	// WorkDir is a private scratch directory; outputs are written there.
	WorkDir string
	// Threads is the run's codec thread budget.
	Threads int
	// Progress receives 0–100; nil when nobody listens.
	Progress func(percent int)
}

// Output is one file a run wrote under Task.WorkDir, and the object it
// becomes. Outputs are listed in order: a later output with the same key
// replaces an earlier one.
type Output struct {
	Bucket      string
	Key         string
	Path        string
	ContentType string
	Sheet       *Sheet // a sprite sheet's size and cells; nil for other outputs
}
