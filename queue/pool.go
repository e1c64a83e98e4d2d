package queue

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/ossemu/ossemu/internal/leaseloop"
	"github.com/ossemu/ossemu/osserr"
)

// Pool runs queued tasks on a fixed number of workers.
type Pool struct {
	q     *Queue
	cfg   Config
	log   *slog.Logger
	ready chan struct{}
}

// NewPool validates cfg and returns a pool over q. Nothing runs until Run.
func NewPool(q *Queue, cfg Config) (*Pool, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Pool{q: q, cfg: cfg, log: cfg.Logger, ready: make(chan struct{})}
	if p.log == nil {
		p.log = slog.Default()
	}
	return p, nil
}

// Run starts the workers and blocks until ctx is cancelled; call it once.
// Shutdown: no new task is claimed; running tasks get Config.ShutdownGrace
// to finish; those still running then are stopped and re-queued (without
// counting the run as an attempt) for the next start. Outputs are published only after a
// processor returns, and publishing is not interrupted by shutdown, so a
// stopped task leaves nothing visible behind.
func (p *Pool) Run(ctx context.Context) error {
	if err := p.start(ctx); err != nil {
		return err
	}
	close(p.ready)
	runCtx, stopRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRuns()
	reapEvery := p.cfg.LeaseTimeout / 3
	lastReap := time.Now()
	loop := leaseloop.Loop[claimed]{
		Workers: p.cfg.Workers,
		Poll:    min(p.cfg.PollInterval, reapEvery),
		Wake:    p.q.wake,
		Tend: func(context.Context) bool {
			if time.Since(lastReap) >= reapEvery {
				p.reap(runCtx, false)
				lastReap = time.Now()
			}
			return false
		},
		Claim: func(_ context.Context, n int) ([]claimed, time.Time) {
			return p.claim(runCtx, n), time.Time{}
		},
		Handle: func(c claimed) { p.run(ctx, runCtx, c.task, c.token) },
		Grace:  p.cfg.ShutdownGrace,
		Stop: func() {
			p.log.Warn("queue: shutdown grace ended; stopping running tasks and re-queueing them")
			stopRuns()
		},
	}
	loop.Run(ctx)
	return nil
}

// claimed is a task claimed by a run, with the run's lease token.
type claimed struct {
	task  *Task
	token string
}

// claim takes up to n ready tasks, each under its own run's lease.
func (p *Pool) claim(ctx context.Context, n int) []claimed {
	var out []claimed
	for range n {
		token := uuid.NewString()
		t, err := p.q.claim(ctx, token, p.cfg.LeaseTimeout)
		if err != nil {
			p.log.Error("queue: claiming a task", "err", err)
		}
		if t == nil {
			break
		}
		out = append(out, claimed{task: t, token: token})
	}
	return out
}

// Ready is closed once Run has recovered the previous process's tasks and
// started taking new ones.
func (p *Pool) Ready() <-chan struct{} { return p.ready }

// start prepares a fresh scratch root and recovers tasks left running by a
// previous process (on a shared store: those whose lease has expired).
func (p *Pool) start(ctx context.Context) error {
	if err := os.RemoveAll(p.cfg.WorkRoot); err != nil {
		return fmt.Errorf("queue: clearing work root: %w", err)
	}
	if err := os.MkdirAll(p.cfg.WorkRoot, 0o755); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return p.reap(ctx, !p.q.Shared()) // on a shared store, running tasks may be other nodes'
}

// reap re-queues running tasks whose lease is dead (all of them at start),
// or fails them when they have used up their attempts: a task that kills
// the process every time it runs must not crash-loop the emulator forever.
func (p *Pool) reap(ctx context.Context, atStart bool) error {
	ts, err := p.q.orphans(ctx, atStart)
	if err != nil {
		p.log.Error("queue: looking for orphaned tasks", "err", err)
		return err
	}
	for _, t := range ts {
		if t.Attempts >= p.cfg.MaxAttempts {
			t.State, t.Code = Failed, osserr.InternalError.Name
			t.Message = fmt.Sprintf("the task was interrupted %d times while running; giving up", t.Attempts)
			err = p.finishTask(ctx, t, "")
		} else {
			err = p.q.requeueOrphan(ctx, t)
		}
		if err != nil {
			p.log.Error("queue: recovering orphaned task", "task", t.ID, "err", err)
			continue
		}
		p.log.Info("queue: recovered orphaned task", "task", t.ID, "attempts", t.Attempts, "state", t.State)
	}
	if len(ts) > 0 {
		p.q.poke()
	}
	return nil
}
