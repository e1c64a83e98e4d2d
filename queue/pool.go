package queue

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ossemu/ossemu/internal/leaseloop"
)

// Pool runs queued tasks on a fixed number of workers.
type Pool struct {
	q     *Queue
	cfg   Config
	log   *slog.Logger
	ready chan struct{}
	// started is when Run began: suspects run only Config.Settle after it
	// (crash.go).
	started time.Time
	// isolating is set while a suspect runs: nothing else is claimed.
	isolating atomic.Bool
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
	p.started = time.Now()
	if err := p.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // shut down during the start-up recovery: the next start redoes it
		}
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
		Handle: func(c claimed) {
			p.run(ctx, runCtx, c.task, c.token)
			if c.isolated {
				p.isolating.Store(false)
			}
		},
		Grace: p.cfg.ShutdownGrace,
		Stop: func() {
			p.log.Warn("queue: shutdown grace ended; stopping running tasks and re-queueing them")
			stopRuns()
		},
	}
	loop.Run(ctx)
	return nil
}

// claimed is a task claimed by a run, with the run's lease token; isolated
// when it is a suspect running alone.
type claimed struct {
	task     *Task
	token    string
	isolated bool
}

// claim takes up to n ready tasks (n workers are idle), each under its own
// run's lease. A suspect runs alone once the pool has settled (crash.go):
// while one waits, no other task is claimed, so the running ones drain.
func (p *Pool) claim(ctx context.Context, n int) []claimed {
	if n == 0 || p.isolating.Load() {
		return nil
	}
	if p.settled() {
		if n == p.cfg.Workers {
			token := uuid.NewString()
			t, err := p.q.claim(ctx, token, p.cfg.LeaseTimeout, true)
			if err != nil {
				p.log.Error("queue: claiming a task", "err", err)
			}
			if t != nil {
				p.isolating.Store(true)
				p.log.Info("queue: running a task a process death interrupted, alone", "task", t.ID)
				return []claimed{{task: t, token: token, isolated: true}}
			}
		} else if waiting, err := p.q.suspectReady(ctx); err != nil || waiting {
			if err != nil {
				p.log.Error("queue: looking for suspects", "err", err)
			}
			return nil
		}
	}
	var out []claimed
	for range n {
		token := uuid.NewString()
		t, err := p.q.claim(ctx, token, p.cfg.LeaseTimeout, false)
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

// start recovers the tasks a previous process left running (on a shared
// store: those whose lease has expired), rolling interrupted publications
// forward (crash.go, recover.go), then wipes the scratch root, sparing only
// the directories of publications still pending.
func (p *Pool) start(ctx context.Context) error {
	if err := os.MkdirAll(p.cfg.WorkRoot, 0o755); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if err := p.reap(ctx, !p.q.Shared()); err != nil { // on a shared store, running tasks may be other nodes'
		return err
	}
	// Short local steps; a shutdown that began meanwhile can wait for them.
	ctx = context.WithoutCancel(ctx)
	if err := p.q.dropStaleJournals(ctx); err != nil {
		return err
	}
	pending, err := p.q.journals(ctx)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, j := range pending {
		keep[j.Dir] = true
	}
	ents, err := os.ReadDir(p.cfg.WorkRoot)
	if err != nil {
		return fmt.Errorf("queue: clearing work root: %w", err)
	}
	for _, e := range ents {
		if !keep[e.Name()] {
			if err := os.RemoveAll(filepath.Join(p.cfg.WorkRoot, e.Name())); err != nil {
				return fmt.Errorf("queue: clearing work root: %w", err)
			}
		}
	}
	return nil
}
