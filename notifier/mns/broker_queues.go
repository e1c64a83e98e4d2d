package mns

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ossemu/ossemu/notifier"
)

// Queue is an MNS queue's attributes. Durations are in seconds, as in the
// MNS API.
type Queue struct {
	Name        string
	Delay       int // DelaySeconds
	MaxSize     int // MaximumMessageSize
	Retention   int // MessageRetentionPeriod
	Visibility  int // VisibilityTimeout
	PollingWait int // PollingWaitSeconds
	Logging     bool
	Created     int64 // Unix seconds
	Modified    int64
	Active      int64 // visible now
	Inactive    int64 // received and not yet visible again
	Delayed     int64 // sent with a delay that has not passed
}

// Queue attribute defaults and ranges (MNS's).
const (
	DefaultVisibility     = 30
	DefaultQueueRetention = 345600
	maxVisibility         = 43200
	maxDelay              = 604800
	maxPollingWait        = 30
)

func (q *Queue) defaults() {
	if q.MaxSize == 0 {
		q.MaxSize = defaultMaxMessageSize
	}
	if q.Retention == 0 {
		q.Retention = DefaultQueueRetention
	}
	if q.Visibility == 0 {
		q.Visibility = DefaultVisibility
	}
}

func (q *Queue) validate() error {
	switch {
	case !notifier.ValidName(q.Name):
		return Errf(CodeInvalidQueueName, "The queue name %q is invalid: letters, digits and '-', starting with a letter, at most 256.", q.Name)
	case q.Delay < 0 || q.Delay > maxDelay:
		return Errf(CodeInvalidArgument, "DelaySeconds %d must be in [0, %d].", q.Delay, maxDelay)
	case q.MaxSize < 1024 || q.MaxSize > defaultMaxMessageSize:
		return Errf(CodeInvalidArgument, "MaximumMessageSize %d must be in [1024, 65536].", q.MaxSize)
	case q.Retention < 60 || q.Retention > 1296000:
		return Errf(CodeInvalidArgument, "MessageRetentionPeriod %d must be in [60, 1296000].", q.Retention)
	case q.Visibility < 1 || q.Visibility > maxVisibility:
		return Errf(CodeInvalidArgument, "VisibilityTimeout %d must be in [1, %d].", q.Visibility, maxVisibility)
	case q.PollingWait < 0 || q.PollingWait > maxPollingWait:
		return Errf(CodeInvalidArgument, "PollingWaitSeconds %d must be in [0, %d].", q.PollingWait, maxPollingWait)
	}
	return nil
}

func (q *Queue) sameAs(o *Queue) bool {
	return q.Delay == o.Delay && q.MaxSize == o.MaxSize && q.Retention == o.Retention &&
		q.Visibility == o.Visibility && q.PollingWait == o.PollingWait && q.Logging == o.Logging
}

// CreateQueue creates a queue. created is false when an identical queue
// existed (MNS answers 204); a different one is QueueAlreadyExist unless
// override (metaoverride=true, SetQueueAttributes) is set, which updates it.
func (b *Broker) CreateQueue(ctx context.Context, q Queue, override bool) (created bool, err error) {
	q.defaults()
	if err := q.validate(); err != nil {
		return false, err
	}
	old, err := b.GetQueue(ctx, q.Name)
	if err == nil {
		if q.sameAs(old) {
			return false, nil
		}
		if !override {
			return false, Errf(CodeQueueAlreadyExist, "The queue %s already exists with different attributes.", q.Name)
		}
		_, err = b.db.ExecContext(ctx, `UPDATE mns_queues SET delay = ?, max_size = ?, retention = ?, visibility = ?,
			polling_wait = ?, logging = ?, modified_at = ? WHERE name = ?`,
			q.Delay, q.MaxSize, q.Retention, q.Visibility, q.PollingWait, boolInt(q.Logging), ms(b.now()), q.Name)
		return false, err
	}
	if _, ok := AsError(err); !ok || override {
		return false, err
	}
	now := ms(b.now())
	_, err = b.db.ExecContext(ctx, `INSERT INTO mns_queues (name, delay, max_size, retention, visibility, polling_wait, logging, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		q.Name, q.Delay, q.MaxSize, q.Retention, q.Visibility, q.PollingWait, boolInt(q.Logging), now, now)
	return err == nil, err
}

// GetQueue returns a queue's attributes and message counts.
func (b *Broker) GetQueue(ctx context.Context, name string) (*Queue, error) {
	return getQueue(ctx, b.db, name, ms(b.now()))
}

func getQueue(ctx context.Context, db execer, name string, now int64) (*Queue, error) {
	q := Queue{Name: name}
	var logging int
	err := db.QueryRowContext(ctx, `SELECT delay, max_size, retention, visibility, polling_wait, logging, created_at, modified_at,
		(SELECT COUNT(*) FROM mns_messages WHERE queue = q.name AND visible_at <= ?),
		(SELECT COUNT(*) FROM mns_messages WHERE queue = q.name AND visible_at > ? AND dequeues > 0),
		(SELECT COUNT(*) FROM mns_messages WHERE queue = q.name AND visible_at > ? AND dequeues = 0)
		FROM mns_queues q WHERE name = ?`, now, now, now, name).
		Scan(&q.Delay, &q.MaxSize, &q.Retention, &q.Visibility, &q.PollingWait, &logging, &q.Created, &q.Modified,
			&q.Active, &q.Inactive, &q.Delayed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errf(CodeQueueNotExist, "The queue name you provided is not exist: %s.", name)
	}
	if err != nil {
		return nil, err
	}
	q.Logging = logging != 0
	q.Created /= 1000
	q.Modified /= 1000
	return &q, nil
}

// DeleteQueue deletes a queue and its messages; a missing queue is not an
// error, as in MNS.
func (b *Broker) DeleteQueue(ctx context.Context, name string) error {
	return b.deleteAll(ctx, name, `DELETE FROM mns_messages WHERE queue = ?`, `DELETE FROM mns_queues WHERE name = ?`)
}

// ListQueues pages through queues by name.
func (b *Broker) ListQueues(ctx context.Context, prefix, marker string, limit int) ([]Queue, string, error) {
	names, next, err := listNames(ctx, b.db, "mns_queues", "", prefix, marker, limit)
	if err != nil {
		return nil, "", err
	}
	var out []Queue
	for _, name := range names {
		q, err := b.GetQueue(ctx, name)
		if err != nil {
			return nil, "", err
		}
		out = append(out, *q)
	}
	return out, next, nil
}
