package notifier

import (
	"context"
	"database/sql"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// FinishHook is the queue.Config.OnFinish hook: it records the
// notification of every finished task with a notify topic in the
// transaction that finishes it.
func (n *Notifier) FinishHook() queue.FinishHook {
	return func(ctx context.Context, tx *sql.Tx, t *queue.Task) error {
		_, err := n.OnFinish(ctx, tx, FromQueueTask(t))
		return err
	}
}

// Finished is the queue.Config.Finished callback: it wakes the dispatcher
// once the finishing transaction has committed, so the notification goes
// out at once rather than at the next poll.
func (n *Notifier) Finished() func(t *queue.Task) {
	return func(t *queue.Task) {
		if t.Topic != "" {
			n.Wake()
		}
	}
}

// FromQueueTask maps a finished queue task to what the envelope needs. A
// video/sprite task's outputs are sprite sheets: they go under one target's
// Image.Sprites (the target's URI is the first sheet), as IMM reports sprite
// targets; every other output is a target of its own.
func FromQueueTask(t *queue.Task) Task {
	out := Task{
		ID: t.ID, EventID: t.EventID, RequestID: t.RequestID, Topic: t.Topic,
		Status: t.State.Status(), Code: t.Code, Message: t.Message,
		Start: t.StartedAt, End: t.FinishedAt,
	}
	if out.Start.IsZero() {
		out.Start = t.CreatedAt
	}
	if out.Status != StatusSucceeded {
		out.Status = StatusFailed
	}
	if out.Status == StatusSucceeded {
		out.Code, out.Message = "", ""
	}
	for _, s := range t.Sources {
		out.Sources = append(out.Sources, s.URI())
	}
	if len(out.Sources) == 0 && t.Bucket != "" {
		out.Sources = []string{OSSURI(t.Bucket, t.Object)}
	}
	sprite := t.Action == parser.ActionSprite
	for _, r := range t.Targets {
		if sprite {
			if len(out.Targets) == 0 {
				out.Targets = append(out.Targets, Target{URI: r.URI()})
			}
			out.Targets[0].Sprites = append(out.Targets[0].Sprites, r.URI())
			continue
		}
		out.Targets = append(out.Targets, Target{URI: r.URI()})
	}
	return out
}
