package queue

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/ossemu/ossemu/storage"
)

// Processors maps an action name (Task.Action: video/concat, video/sprite)
// to the processor that runs tasks of that action.
type Processors map[string]Processor

// Config configures the worker pool.
type Config struct {
	// Workers is how many tasks run at once (--workers). Default
	// max(1, NumCPU/2): video encoding is CPU-bound and each task already
	// uses several codec threads, so more workers than half the cores only
	// adds contention and latency per task.
	Workers int
	// TaskThreads is each task's codec thread budget (--task-threads).
	// Default max(1, NumCPU/Workers), so Workers × TaskThreads ≈ NumCPU.
	TaskThreads int
	// MaxAttempts bounds how many times a task is run (transient failures
	// and the runs a process death is blamed on both count) before it
	// fails for good. Default 5.
	MaxAttempts int
	// Settle is how long the pool must have run before it runs a task a
	// process death interrupted, alone, so that a death under it can be
	// blamed on it (crash.go). Default 10s: longer than a crash-looping
	// container lives, short enough not to delay recovery much.
	Settle time.Duration
	// BackoffBase and BackoffMax shape the delay before retry n (1-based):
	// min(BackoffBase × 2^(n-1), BackoffMax). Defaults 2s and 1m.
	BackoffBase, BackoffMax time.Duration
	// LeaseTimeout is how long a run owns its task without a heartbeat;
	// heartbeats come every LeaseTimeout/3. Default 30s.
	LeaseTimeout time.Duration
	// ProgressInterval throttles progress writes. Default 1s.
	ProgressInterval time.Duration
	// ShutdownGrace is how long running tasks may finish after shutdown
	// starts (--shutdown-grace); then they are stopped and re-queued.
	// Default 30s.
	ShutdownGrace time.Duration
	// TaskTimeout bounds one run of a task (--task-timeout); a run that
	// takes longer is stopped and the task fails (InternalError), since a
	// decoder that hung on a file would hang again. Default 2h.
	TaskTimeout time.Duration
	// PollInterval is how often an idle pool looks for tasks whose backoff
	// ended (new submissions wake it at once). Default 500ms.
	PollInterval time.Duration
	// WorkRoot holds each run's private WorkDir; wiped at start.
	WorkRoot string

	Storage    storage.Backend
	Processors Processors
	// OnFinish runs in the transaction that finishes a task (notifications).
	OnFinish FinishHook
	// Finished, when set, is called after a task's final state commits
	// (to wake a notification dispatcher, or a test). It must not block.
	Finished func(t *Task)
	Logger   *slog.Logger
}

// DefaultConfig returns the defaults for this machine.
func DefaultConfig() Config {
	workers := max(1, runtime.NumCPU()/2)
	return Config{
		Workers:          workers,
		TaskThreads:      max(1, runtime.NumCPU()/workers),
		MaxAttempts:      5,
		Settle:           10 * time.Second,
		BackoffBase:      2 * time.Second,
		BackoffMax:       time.Minute,
		LeaseTimeout:     30 * time.Second,
		ProgressInterval: time.Second,
		ShutdownGrace:    30 * time.Second,
		TaskTimeout:      2 * time.Hour,
		PollInterval:     500 * time.Millisecond,
	}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Workers < 1 {
		errs = append(errs, fmt.Errorf("queue: workers must be at least 1, got %d", c.Workers))
	}
	if c.TaskThreads < 1 {
		errs = append(errs, fmt.Errorf("queue: task threads must be at least 1, got %d", c.TaskThreads))
	}
	if c.MaxAttempts < 1 {
		errs = append(errs, fmt.Errorf("queue: max attempts must be at least 1, got %d", c.MaxAttempts))
	}
	if c.BackoffBase <= 0 || c.BackoffMax < c.BackoffBase {
		errs = append(errs, errors.New("queue: backoff must be positive with max ≥ base"))
	}
	if c.LeaseTimeout < 3*time.Millisecond || c.ProgressInterval <= 0 || c.PollInterval <= 0 {
		errs = append(errs, errors.New("queue: lease, progress and poll intervals must be positive"))
	}
	if c.TaskTimeout <= 0 {
		errs = append(errs, errors.New("queue: task timeout must be positive"))
	}
	if c.Settle < 0 {
		errs = append(errs, errors.New("queue: settle must not be negative"))
	}
	if c.ShutdownGrace < 0 {
		errs = append(errs, errors.New("queue: shutdown grace must not be negative"))
	}
	if c.WorkRoot == "" {
		errs = append(errs, errors.New("queue: work root is required"))
	}
	if c.Storage == nil {
		errs = append(errs, errors.New("queue: storage is required"))
	}
	return errors.Join(errs...)
}

// backoff is the delay before retrying after run n (1-based) failed.
func (c Config) backoff(n int) time.Duration {
	d := c.BackoffBase
	for i := 1; i < n && d < c.BackoffMax; i++ {
		d *= 2
	}
	return min(d, c.BackoffMax)
}
