package notifier

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// MessageStatus is where a published message stands: its overall state and
// one entry per subscriber. The task API shows it for tasks with notify.
type MessageStatus struct {
	MessageID   string     `json:"MessageId"`
	Topic       string     `json:"Topic"`
	State       string     `json:"State"` // pending, delivered, retrying, dead or no-subscribers
	PublishTime time.Time  `json:"PublishTime"`
	Deliveries  []Delivery `json:"Deliveries"`
}

// Delivery is one subscriber's view of a message.
type Delivery struct {
	Subscription string     `json:"Subscription"`
	Endpoint     string     `json:"Endpoint"`
	Format       string     `json:"Format"`
	State        string     `json:"State"`
	Attempts     int        `json:"Attempts"`
	LastError    string     `json:"LastError,omitempty"`
	NextAttempt  *time.Time `json:"NextAttempt,omitempty"` // when retrying
	Updated      time.Time  `json:"Updated"`
	History      []Attempt  `json:"History"` // every attempt, oldest first (attempts.go)
}

// TaskStatus reports the notification of a task, nil when the task
// published none (no notify stage, or not finished yet). The task API
// (GET /_ossemu/tasks/<id>) calls it.
func (n *Notifier) TaskStatus(ctx context.Context, taskID string) (*MessageStatus, error) {
	var id string
	err := n.db.QueryRowContext(ctx, `SELECT id FROM notify_messages WHERE task_id = ? ORDER BY published_at DESC LIMIT 1`, taskID).Scan(&id)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	return n.MessageStatus(ctx, id)
}

// MessageStatus reports one published message by id, nil if unknown.
func (n *Notifier) MessageStatus(ctx context.Context, messageID string) (*MessageStatus, error) {
	s := MessageStatus{MessageID: messageID, Deliveries: []Delivery{}}
	var fanned int
	var published int64
	err := n.db.QueryRowContext(ctx, `SELECT topic, published_at, fanned_out FROM notify_messages WHERE id = ?`, messageID).
		Scan(&s.Topic, &published, &fanned)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	s.PublishTime = time.UnixMilli(published).UTC()
	rows, err := n.db.QueryContext(ctx, `SELECT subscription, endpoint, format, state, attempts, last_error, next_at, leased, updated_at
		FROM notify_deliveries WHERE message_id = ? ORDER BY id`, messageID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d Delivery
		var next, updated int64
		var leased int
		if err := rows.Scan(&d.Subscription, &d.Endpoint, &d.Format, &d.State, &d.Attempts, &d.LastError, &next, &leased, &updated); err != nil {
			return nil, err
		}
		if d.State == StateRetrying && leased == 0 {
			t := time.UnixMilli(next).UTC()
			d.NextAttempt = &t
		}
		d.Updated = time.UnixMilli(updated).UTC()
		s.Deliveries = append(s.Deliveries, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := n.attachHistory(ctx, messageID, s.Deliveries); err != nil { // attempts.go
		return nil, err
	}
	s.State = overall(fanned != 0, s.Deliveries)
	return &s, nil
}

// overall folds the deliveries' states into one, worst first: a dead
// subscriber is what an operator must see, then retries, then work not yet
// done.
func overall(fannedOut bool, ds []Delivery) string {
	if !fannedOut {
		return StatePending
	}
	if len(ds) == 0 {
		return StateNoSubscribers
	}
	seen := map[string]bool{}
	for _, d := range ds {
		seen[d.State] = true
	}
	for _, s := range []string{StateDead, StateRetrying, StatePending} {
		if seen[s] {
			return s
		}
	}
	return StateDelivered
}

// TopicMessages lists the most recent messages recorded for a topic (newest
// first, at most limit), with their delivery state: how a message for a
// topic nobody subscribed to stays visible.
func (n *Notifier) TopicMessages(ctx context.Context, topic string, limit int) ([]MessageStatus, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := n.db.QueryContext(ctx, `SELECT id FROM notify_messages WHERE topic = ? ORDER BY published_at DESC LIMIT ?`, topic, limit)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []MessageStatus{}
	for _, id := range ids {
		s, err := n.MessageStatus(ctx, id)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, rows.Err()
}
