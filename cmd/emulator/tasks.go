package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/concat"
	"github.com/ossemu/ossemu/engine/sprite"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
)

// TasksConfig configures asynchronous processing: the task queue, its
// workers and the media engines.
type TasksConfig struct {
	Workers       int           // 0 = max(1, NumCPU/2)
	TaskThreads   int           // 0 = max(1, NumCPU/Workers)
	ShutdownGrace time.Duration // running tasks' time to finish on SIGTERM
	TaskTimeout   time.Duration // longest run of one task
	Engine        engine.Config
}

func (c *Config) bindTasks(b *binder) {
	b.Int(&c.Tasks.Workers, "workers", 0, fmt.Sprintf("tasks processed at once; 0 = max(1, cores/2) = %d here", max(1, runtime.NumCPU()/2)))
	b.Int(&c.Tasks.TaskThreads, "task-threads", 0, "codec threads per task; 0 = max(1, cores/workers)")
	b.Duration(&c.Tasks.ShutdownGrace, "shutdown-grace", 30*time.Second, "on SIGINT/SIGTERM, how long running tasks may finish before they are stopped and re-queued for the next start")
	b.Duration(&c.Tasks.TaskTimeout, "task-timeout", queue.DefaultConfig().TaskTimeout, "longest one task may run; a task that takes longer fails (a decoder hung on a corrupt file)")
	bindEngine(b, &c.Tasks.Engine)
	b.Bool(&c.Tasks.Engine.SpriteVTT, "sprite-vtt", false, "sprite tasks also save a WebVTT thumbnail track (<name>.vtt) next to their sheets; OSS does not")
}

// Validate checks the task settings.
func (c *TasksConfig) Validate() error {
	var errs []error
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("--workers %d: must be 0 (automatic) or more", c.Workers))
	}
	if c.TaskThreads < 0 {
		errs = append(errs, fmt.Errorf("--task-threads %d: must be 0 (automatic) or more", c.TaskThreads))
	}
	if c.TaskTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--task-timeout %s: must be positive", c.TaskTimeout))
	}
	if c.ShutdownGrace < 0 {
		errs = append(errs, fmt.Errorf("--shutdown-grace %s: must not be negative", c.ShutdownGrace))
	}
	if err := c.Engine.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("--video-preset, --max-input-pixels: %w", err))
	}
	return errors.Join(errs...)
}

// taskPaths are where the queue keeps its files inside the data directory
// (names that can never be buckets' blob paths, see storage/local).
func taskPaths(dataDir string) (db, work string) {
	return filepath.Join(dataDir, "tasks.db"), filepath.Join(dataDir, "work")
}

// poolConfig builds the worker pool's configuration; the notifier fills
// OnFinish and Finished.
func (c *Config) poolConfig(store storage.Backend, logger *slog.Logger) queue.Config {
	pc := queue.DefaultConfig()
	if c.Tasks.Workers > 0 {
		pc.Workers = c.Tasks.Workers
	}
	pc.TaskThreads = max(1, runtime.NumCPU()/pc.Workers)
	if c.Tasks.TaskThreads > 0 {
		pc.TaskThreads = c.Tasks.TaskThreads
	}
	pc.ShutdownGrace = c.Tasks.ShutdownGrace
	pc.TaskTimeout = c.Tasks.TaskTimeout
	pc.LeaseTimeout = c.Cluster.LeaseTimeout
	_, pc.WorkRoot = taskPaths(c.Storage.Dir)
	pc.Storage = store
	pc.Processors = queue.Processors{
		parser.ActionConcat: concat.New(c.Tasks.Engine),
		parser.ActionSprite: sprite.New(c.Tasks.Engine),
	}
	pc.Logger = logger
	return pc
}

// startPool runs the pool until ctx ends; the returned wait blocks until
// it has stopped (running tasks finished or re-queued).
func startPool(ctx context.Context, q *queue.Queue, pc queue.Config, logger *slog.Logger) (wait func(), err error) {
	pool, err := queue.NewPool(q, pc)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	select {
	case <-pool.Ready():
	case err := <-done:
		return nil, fmt.Errorf("task workers: %w", err)
	}
	logger.Info("task workers started", "workers", pc.Workers, "task_threads", pc.TaskThreads)
	return func() {
		if err := <-done; err != nil {
			logger.Error("task workers stopped", "err", err)
		}
	}, nil
}
