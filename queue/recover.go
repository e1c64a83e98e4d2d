package queue

import (
	"context"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/ossemu/ossemu/osserr"
)

// rollForward finishes an orphaned task whose run died while publishing:
// its outputs, named by the journal j and kept in the run's work directory,
// are published again (publishing is idempotent: the same bodies under the
// same keys) and the task is marked succeeded, as the dead run would have.
// It reports whether it dealt with the task; it does not when the journaled
// files are gone (on a shared store, the dead run's node kept them), and
// the task is then re-queued like any orphan, after the journaled keys are
// deleted: whatever part of the set the dead run published must not stay
// visible while the task runs again, nor after it if it fails.
//
// If the storage refuses the outputs for good (the target bucket was
// deleted meanwhile), every journaled key is deleted, whoever wrote it, and
// the task fails: a task that does not succeed leaves nothing. On a
// transient failure the task stays running under a lease that will expire,
// and the next reap tries again.
func (p *Pool) rollForward(ctx context.Context, t *Task, j *journal) bool {
	log := p.log.With("task", t.ID)
	if err := j.check(p.cfg.WorkRoot); err != nil {
		log.Warn("queue: the outputs of an interrupted publication are gone; taking back what it published and running the task again", "err", err)
		p.unpublish(ctx, t, j.targets())
		if err := p.q.endPublish(ctx, t.ID); err != nil {
			log.Error("queue: dropping the publishing journal", "err", err)
		}
		return false
	}
	token := uuid.NewString()
	if err := p.q.adopt(ctx, t, token, p.cfg.LeaseTimeout); err != nil {
		log.Warn("queue: the task changed hands before its publication could be rolled forward", "err", err)
		return true
	}
	dir := filepath.Join(p.cfg.WorkRoot, j.Dir)
	_, err := p.put(ctx, dir, j)
	if err != nil && osserr.IsTransient(err) {
		log.Warn("queue: rolling an interrupted publication forward; will try again", "err", err,
			"at", time.Now().Add(p.cfg.LeaseTimeout))
		return true
	}
	if err != nil {
		p.unpublish(ctx, t, j.targets())
		code, msg := describe(err)
		t.State, t.Targets, t.Code, t.Message = Failed, nil, code, msg
	} else {
		t.State, t.Targets, t.Code, t.Message = Succeeded, j.targets(), "", ""
	}
	if err := p.finishRun(ctx, t, token, dir); err != nil {
		log.Error("queue: recording a rolled-forward publication", "err", err)
		return true
	}
	log.Info("queue: rolled an interrupted publication forward", "state", t.State, "targets", len(j.Outputs))
	return true
}
