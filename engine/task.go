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
	// Threads is the run's thread budget: how many cores it may keep busy.
	Threads int
	// Progress receives 0–100; nil when nobody listens.
	Progress func(percent int)
}

// DecoderThreads is a frame-threaded video decoder's thread count for a
// task's budget (Task.Threads), chosen as libavcodec's automatic count chooses it for a
// process that has the machine to itself: one thread more than the cores,
// so a core whose frame waits on a reference still has a frame to decode.
// A one-core budget (several workers sharing the machine) gets one thread,
// which competes for no other worker's core.
func DecoderThreads(budget int) int {
	if budget <= 1 {
		return 1
	}
	return budget + 1
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
