package mns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
	"github.com/ossemu/ossemu/notifier"
)

// QueueMessage is a message in an MNS queue as ReceiveMessage reports it.
// Times are Unix milliseconds.
type QueueMessage struct {
	ID             string
	Receipt        string
	Body           string
	BodyMD5        string
	Priority       int
	EnqueueTime    int64
	NextVisible    int64
	FirstDequeue   int64
	DequeueCount   int
	sequenceNumber int64
}

// SendMessage puts a message on a queue. delay < 0 takes the queue's
// DelaySeconds; priority 0 means the default 8 (1 is the highest).
func (b *Broker) SendMessage(ctx context.Context, queue, body string, delay, priority int) (*QueueMessage, error) {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	m, err := b.sendTx(ctx, tx, queue, body, delay, priority)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	b.signalArrival()
	return m, nil
}

// sendTx enqueues inside tx; the caller signals arrival after committing.
func (b *Broker) sendTx(ctx context.Context, tx execer, queue, body string, delay, priority int) (*QueueMessage, error) {
	now := ms(b.now())
	q, err := getQueue(ctx, tx, queue, now)
	if err != nil {
		return nil, err
	}
	if len(body) > q.MaxSize {
		return nil, Errf(CodeInvalidArgument, "The message body is %d bytes, more than the queue's MaximumMessageSize %d.", len(body), q.MaxSize)
	}
	if delay < 0 {
		delay = q.Delay
	}
	if delay > maxDelay {
		return nil, Errf(CodeInvalidArgument, "DelaySeconds %d must be in [0, %d].", delay, maxDelay)
	}
	if priority == 0 {
		priority = 8
	}
	if priority < 1 || priority > 16 {
		return nil, Errf(CodeInvalidArgument, "Priority %d must be in [1, 16].", priority)
	}
	m := &QueueMessage{ID: notifier.NewMessageID(), Body: body, BodyMD5: notifier.MD5Hex([]byte(body)), Priority: priority,
		EnqueueTime: now, NextVisible: now + int64(delay)*1000}
	_, err = tx.ExecContext(ctx, `INSERT INTO mns_messages (id, queue, body, priority, enqueued_at, visible_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, queue, body, priority, now, m.NextVisible)
	return m, err
}

// ReceiveMessages takes up to limit visible messages from a queue, hiding each
// for the queue's visibility timeout and giving it a fresh receipt handle.
// With wait > 0 it long-polls: it returns as soon as a message is available
// or after wait with MessageNotExist. peek returns messages without
// changing them (PeekMessage).
func (b *Broker) ReceiveMessages(ctx context.Context, queue string, limit int, wait time.Duration, peek bool) ([]QueueMessage, error) {
	deadline := b.now().Add(wait)
	for {
		arrived := b.arrival()
		msgs, nextVisible, err := b.receiveOnce(ctx, queue, limit, peek)
		if err != nil || len(msgs) > 0 {
			return msgs, err
		}
		now := b.now()
		left := deadline.Sub(now)
		if left <= 0 {
			return nil, Errf(CodeMessageNotExist, "Message not exist.")
		}
		if nextVisible > 0 {
			if d := time.UnixMilli(nextVisible).Sub(now); d < left {
				left = max(d, time.Millisecond)
			}
		}
		timer := time.NewTimer(left)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-arrived:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// receiveOnce is one look at the queue. nextVisible is when the earliest
// hidden message becomes visible (0 if none), for the long poll's timer.
// On PostgreSQL the messages taken are locked with SKIP LOCKED, so
// receivers on several nodes never take the same message at once.
func (b *Broker) receiveOnce(ctx context.Context, queue string, limit int, peek bool) ([]QueueMessage, int64, error) {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	now := ms(b.now())
	q, err := getQueue(ctx, tx, queue, now)
	if err != nil {
		return nil, 0, err
	}
	// Messages past the retention period are gone, as in MNS.
	if _, err := tx.ExecContext(ctx, `DELETE FROM mns_messages WHERE queue = ? AND enqueued_at < ?`,
		queue, now-int64(q.Retention)*1000); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, id, body, priority, enqueued_at, visible_at, first_dequeue, dequeues, receipt
		FROM mns_messages WHERE queue = ? AND visible_at <= ? ORDER BY priority, seq LIMIT ?`+sqldb.Of(b.db).SkipLocked(),
		queue, now, limit)
	if err != nil {
		return nil, 0, err
	}
	var msgs []QueueMessage
	for rows.Next() {
		var m QueueMessage
		if err := rows.Scan(&m.sequenceNumber, &m.ID, &m.Body, &m.Priority, &m.EnqueueTime, &m.NextVisible,
			&m.FirstDequeue, &m.DequeueCount, &m.Receipt); err != nil {
			rows.Close()
			return nil, 0, err
		}
		m.BodyMD5 = notifier.MD5Hex([]byte(m.Body))
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(msgs) == 0 {
		var next int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(visible_at), 0) FROM mns_messages WHERE queue = ?`, queue).Scan(&next)
		return nil, next, err
	}
	if peek {
		return msgs, 0, nil
	}
	for i := range msgs {
		m := &msgs[i]
		m.DequeueCount++
		if m.FirstDequeue == 0 {
			m.FirstDequeue = now
		}
		m.NextVisible = now + int64(q.Visibility)*1000
		m.Receipt = newReceipt(m.sequenceNumber, m.NextVisible)
		if _, err := tx.ExecContext(ctx, `UPDATE mns_messages SET dequeues = ?, first_dequeue = ?, visible_at = ?, receipt = ? WHERE seq = ?`,
			m.DequeueCount, m.FirstDequeue, m.NextVisible, m.Receipt, m.sequenceNumber); err != nil {
			return nil, 0, err
		}
	}
	return msgs, 0, tx.Commit()
}

// newReceipt makes a receipt handle: unique per receive, so a handle from an
// earlier receive of the same message no longer works after a later one.
func newReceipt(seq, visible int64) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "1-" + strconv.FormatInt(seq, 36) + "-" + strconv.FormatInt(visible, 36) + "-" + hex.EncodeToString(b)
}

// DeleteMessage deletes the message a receipt handle was given for.
func (b *Broker) DeleteMessage(ctx context.Context, queue, receipt string) error {
	if receipt == "" {
		return Errf(CodeMissingReceiptHandle, "ReceiptHandle is missing.")
	}
	if _, err := b.GetQueue(ctx, queue); err != nil {
		return err
	}
	res, err := b.db.ExecContext(ctx, `DELETE FROM mns_messages WHERE queue = ? AND receipt = ?`, queue, receipt)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return Errf(CodeMessageNotExist, "The message of receipt handle %s does not exist (deleted, or received again since).", receipt)
	}
	return nil
}

// ChangeVisibility hides a received message for another timeout seconds
// from now (0 makes it visible at once) and returns its new receipt handle
// and next visible time (ms).
func (b *Broker) ChangeVisibility(ctx context.Context, queue, receipt string, timeout int) (string, int64, error) {
	if receipt == "" {
		return "", 0, Errf(CodeMissingReceiptHandle, "ReceiptHandle is missing.")
	}
	if timeout < 0 || timeout > maxVisibility {
		return "", 0, Errf(CodeInvalidArgument, "VisibilityTimeout %d must be in [0, %d].", timeout, maxVisibility)
	}
	if _, err := b.GetQueue(ctx, queue); err != nil {
		return "", 0, err
	}
	var seq int64
	err := b.db.QueryRowContext(ctx, `SELECT seq FROM mns_messages WHERE queue = ? AND receipt = ?`, queue, receipt).Scan(&seq)
	if err != nil {
		return "", 0, Errf(CodeMessageNotExist, "The message of receipt handle %s does not exist (deleted, or received again since).", receipt)
	}
	next := ms(b.now()) + int64(timeout)*1000
	fresh := newReceipt(seq, next)
	if _, err := b.db.ExecContext(ctx, `UPDATE mns_messages SET visible_at = ?, receipt = ? WHERE seq = ?`, next, fresh, seq); err != nil {
		return "", 0, err
	}
	if timeout == 0 {
		b.signalArrival()
	}
	return fresh, next, nil
}
