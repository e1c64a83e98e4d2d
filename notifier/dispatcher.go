package notifier

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ossemu/ossemu/internal/leaseloop"
	"github.com/ossemu/ossemu/internal/sqldb"
)

// Delivery states. A delivery starts pending, becomes delivered on success,
// retrying after a failure with attempts left, and dead when MaxAttempts
// failures are used up.
const (
	StatePending   = "pending"
	StateDelivered = "delivered"
	StateRetrying  = "retrying"
	StateDead      = "dead"
	// StateNoSubscribers is a message's state when its topic had no
	// subscribers when it was fanned out: recorded, delivered to nobody.
	StateNoSubscribers = "no-subscribers"
)

// leaseSlack is added to the push timeout while a delivery is in flight, so
// no dispatcher picks it up twice; a lease that runs out (its dispatcher
// died) makes the delivery due again. On SQLite, which one process owns,
// Run also clears a previous process's leases at start so they are retried
// at once; on a shared database they may be a live node's.
const leaseSlack = 30 * time.Second

// Run is the dispatcher: it fans out new messages and delivers due ones
// until ctx is done, then waits for in-flight pushes to stop. A push cut
// short by shutdown is handed back and retried (it may have reached its
// receiver), which is why delivery is at least once.
func (n *Notifier) Run(ctx context.Context) error {
	if !sqldb.Of(n.db).Shared() {
		if _, err := n.db.ExecContext(ctx,
			`UPDATE notify_deliveries SET leased = 0, next_at = ? WHERE leased = 1`, ms(n.now())); err != nil {
			if ctx.Err() != nil {
				return nil // stopped before it started: a clean stop, like any other
			}
			return fmt.Errorf("notifier: clear leases: %w", err)
		}
	}
	var lastPrune time.Time
	loop := leaseloop.Loop[*delivery]{
		Workers: n.cfg.Workers,
		Poll:    n.cfg.PollInterval,
		Wake:    n.wake,
		// OnFinish nudges from inside the task's transaction, before its
		// outbox row is visible: look again soon after every nudge.
		Repoll: true,
		Tend: func(ctx context.Context) bool {
			if time.Since(lastPrune) >= pruneEvery {
				lastPrune = time.Now()
				if _, err := n.prune(ctx); err != nil {
					n.logErr(ctx, "prune", err)
				}
			}
			k, err := n.fanOut(ctx)
			if err != nil {
				n.logErr(ctx, "fan out", err)
			}
			return k > 0
		},
		Claim: func(ctx context.Context, limit int) ([]*delivery, time.Time) {
			due, nextAt, err := n.claim(ctx, limit)
			if err != nil {
				n.logErr(ctx, "claim deliveries", err)
			}
			if nextAt == 0 {
				return due, time.Time{}
			}
			return due, time.UnixMilli(nextAt)
		},
		Handle: func(d *delivery) { n.deliver(ctx, d) },
	}
	loop.Run(ctx)
	return nil
}

func (n *Notifier) logErr(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		n.log.ErrorContext(ctx, "notifier: "+what, "err", err)
	}
}

// claim leases up to limit due deliveries and reports when the next
// not-yet-due one is due (0 if none). A leased delivery's next_at is its
// lease's end, so one whose dispatcher died falls due again. On PostgreSQL
// the rows are locked with SKIP LOCKED: dispatchers on several nodes claim
// different deliveries.
func (n *Notifier) claim(ctx context.Context, limit int) ([]*delivery, int64, error) {
	now := ms(n.now())
	tx, err := n.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var due []*delivery
	if limit > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.attempts, d.subscription, d.endpoint, d.format, m.id, m.topic, m.body, m.tag, m.published_at
			FROM notify_deliveries d JOIN notify_messages m ON m.id = d.message_id
			WHERE d.state IN ('pending', 'retrying') AND d.next_at <= ?
			ORDER BY d.next_at, d.id LIMIT ?`+sqldb.Of(n.db).SkipLocked("d"), now, limit)
		if err != nil {
			return nil, 0, err
		}
		for rows.Next() {
			d := &delivery{}
			var f string
			if err := rows.Scan(&d.id, &d.attempts, &d.subscription, &d.endpoint, &f, &d.messageID, &d.topic, &d.body, &d.tag, &d.published); err != nil {
				rows.Close()
				return nil, 0, err
			}
			d.format = Format(f)
			due = append(due, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
		lease := now + (n.cfg.Timeout + leaseSlack).Milliseconds()
		for _, d := range due {
			if _, err := tx.ExecContext(ctx, `UPDATE notify_deliveries SET leased = 1, next_at = ? WHERE id = ?`, lease, d.id); err != nil {
				return nil, 0, err
			}
		}
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(next_at), 0) FROM notify_deliveries
		WHERE state IN ('pending', 'retrying')`).Scan(&next); err != nil {
		return nil, 0, err
	}
	return due, next, tx.Commit()
}

// deliver makes one attempt and records its outcome.
func (n *Notifier) deliver(ctx context.Context, d *delivery) {
	var err error
	if q, ok := QueueEndpoint(d.endpoint); ok {
		if err = n.deliverToQueue(ctx, d, q); err == nil {
			n.metrics.attempts.WithLabelValues("queue", StateDelivered).Inc()
			return // recorded in the same transaction as the enqueue
		}
	} else {
		err = n.push(ctx, d)
	}
	if err != nil && ctx.Err() != nil {
		// Cut short by shutdown: hand the delivery back at once, for this
		// node's next start or another node's dispatcher, rather than
		// leaving it leased until the lease runs out.
		if rerr := n.release(context.WithoutCancel(ctx), d); rerr != nil {
			n.log.Error("notifier: releasing a delivery cut short by shutdown", "err", rerr)
		}
		return
	}
	// A success is recorded even during shutdown, so it is not repeated.
	if rerr := n.record(context.WithoutCancel(ctx), d, err); rerr != nil {
		n.logErr(ctx, "record delivery", rerr)
	}
}

// deliverToQueue enqueues the rendered message on a local MNS queue and
// marks the delivery delivered in the same transaction: exactly once.
func (n *Notifier) deliverToQueue(ctx context.Context, d *delivery, queue string) error {
	if n.broker == nil {
		return fmt.Errorf("queue %s: no MNS broker is wired", queue)
	}
	body, _, err := n.render(d)
	if err != nil {
		return err
	}
	tx, err := n.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := n.broker.Enqueue(ctx, tx, queue, string(body)); err != nil {
		return fmt.Errorf("queue %s: %w", queue, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notify_deliveries SET state = ?, attempts = attempts + 1, leased = 0,
		last_error = '', updated_at = ? WHERE id = ?`, StateDelivered, ms(n.now()), d.id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	n.broker.Enqueued()
	return nil
}

// record writes the outcome of an attempt: delivered, retrying after an
// exponential backoff, or dead when the attempts are used up.
func (n *Notifier) record(ctx context.Context, d *delivery, deliveryErr error) error {
	attempts := d.attempts + 1
	now := n.now()
	state, next, msg := StateDelivered, ms(now), ""
	if deliveryErr != nil {
		msg = deliveryErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		msg = strings.ToValidUTF8(msg, "?")
		if attempts >= n.cfg.MaxAttempts {
			state = StateDead
			n.log.WarnContext(ctx, "notifier: delivery dead", "message", d.messageID, "endpoint", d.endpoint, "attempts", attempts, "err", deliveryErr)
		} else {
			state, next = StateRetrying, ms(now.Add(n.Backoff(attempts)))
		}
	}
	kind := "http"
	if _, ok := QueueEndpoint(d.endpoint); ok {
		kind = "queue"
	}
	n.metrics.attempts.WithLabelValues(kind, state).Inc()
	_, err := n.db.ExecContext(ctx, `UPDATE notify_deliveries SET state = ?, attempts = ?, next_at = ?, leased = 0,
		last_error = ?, updated_at = ? WHERE id = ?`, state, attempts, next, msg, ms(now), d.id)
	return err
}

// release ends a delivery's lease without counting an attempt.
func (n *Notifier) release(ctx context.Context, d *delivery) error {
	_, err := n.db.ExecContext(ctx, `UPDATE notify_deliveries SET leased = 0, next_at = ? WHERE id = ? AND leased = 1`,
		ms(n.now()), d.id)
	return err
}

// Backoff is the wait after the attempts-th failure: Backoff doubled per
// earlier failure, capped at MaxBackoff.
func (n *Notifier) Backoff(attempts int) time.Duration {
	d := n.cfg.Backoff
	for i := 1; i < attempts && d < n.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, n.cfg.MaxBackoff)
}

// pruneEvery is how often the dispatcher looks for expired messages.
const pruneEvery = time.Hour

// prune deletes messages older than the retention whose deliveries have all
// ended, with their delivery rows, so the outbox does not grow forever.
func (n *Notifier) prune(ctx context.Context) (int64, error) {
	cutoff := ms(n.now().Add(-n.cfg.Retention))
	tx, err := n.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	const expired = `SELECT id FROM notify_messages m WHERE m.fanned_out = 1 AND m.published_at < ?
		AND NOT EXISTS (SELECT 1 FROM notify_deliveries d WHERE d.message_id = m.id AND d.state IN ('pending', 'retrying'))`
	if _, err := tx.ExecContext(ctx, `DELETE FROM notify_deliveries WHERE message_id IN (`+expired+`)`, cutoff); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM notify_messages WHERE id IN (`+expired+`)`, cutoff)
	if err != nil {
		return 0, err
	}
	k, _ := res.RowsAffected()
	return k, tx.Commit()
}
