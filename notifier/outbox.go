package notifier

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// OnFinish records the notification of a finished task in tx, the
// transaction that finishes it, so the task's end and its notification
// commit or vanish together. A task without a topic publishes nothing.
// It returns the message id ("" when nothing was published).
func (n *Notifier) OnFinish(ctx context.Context, tx *sql.Tx, t Task) (string, error) {
	if t.Topic == "" {
		return "", nil
	}
	body, err := Envelope(n.cfg, t, n.now())
	if err != nil {
		return "", fmt.Errorf("notifier: build envelope of %s: %w", t.ID, err)
	}
	id := NewMessageID()
	if err := insertMessage(ctx, tx, id, t.Topic, t.ID, string(body), "", ms(n.now())); err != nil {
		return "", err
	}
	n.metrics.published.WithLabelValues("task").Inc() // counted even if the finish rolls back; a hint, not a ledger
	// The transaction has not committed yet; the dispatcher, once nudged,
	// re-polls quickly for a while (see dispatcher.go) and so finds the row
	// right after the commit.
	n.Wake()
	return id, nil
}

// PublishTx records a message for topic outside any task (the MNS Publish
// call) in tx, which the caller commits, then calls Wake. It returns the
// message id.
func (n *Notifier) PublishTx(ctx context.Context, tx *sql.Tx, topic, body, tag string) (string, error) {
	id := NewMessageID()
	if err := insertMessage(ctx, tx, id, topic, "", body, tag, ms(n.now())); err != nil {
		return "", err
	}
	n.metrics.published.WithLabelValues("publish").Inc() // as in OnFinish: a hint, not a ledger
	return id, nil
}

func insertMessage(ctx context.Context, tx *sql.Tx, id, topic, taskID, body, tag string, now int64) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO notify_messages (id, topic, task_id, body, tag, published_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, topic, taskID, body, tag, now)
	if err != nil {
		return fmt.Errorf("notifier: record message for topic %s: %w", topic, err)
	}
	return nil
}

// pendingMessage is an outbox row not yet fanned out.
type pendingMessage struct {
	id, topic, tag string
}

// fanOut turns every outbox message not yet fanned out into one delivery
// row per subscriber of its topic: the broker's subscriptions (the broker
// creates topics named by tasks on first use), then the configured
// endpoints. Each message is fanned out in its own transaction, together
// with the flag that says it was, so a crash never fans a message out twice
// or never; two nodes fanning out one message at once insert its delivery
// rows once (one per message and subscription). It reports how many
// messages it handled.
func (n *Notifier) fanOut(ctx context.Context) (int, error) {
	rows, err := n.db.QueryContext(ctx,
		`SELECT id, topic, tag FROM notify_messages WHERE fanned_out = 0 ORDER BY published_at LIMIT 100`)
	if err != nil {
		return 0, err
	}
	var todo []pendingMessage
	for rows.Next() {
		var m pendingMessage
		if err := rows.Scan(&m.id, &m.topic, &m.tag); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, m := range todo {
		if err := n.fanOutOne(ctx, m); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

func (n *Notifier) fanOutOne(ctx context.Context, m pendingMessage) error {
	tx, err := n.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	now := ms(n.now())
	var subs []Subscriber
	if n.broker != nil {
		if subs, err = n.broker.Subscribers(ctx, tx, m.topic); err != nil {
			return err
		}
	}
	for _, e := range n.cfg.Endpoints {
		if e.Matches(m.topic) {
			subs = append(subs, Subscriber{Name: e.Name(), Endpoint: e.URL, Format: e.Format})
		}
	}
	for _, s := range subs {
		if s.FilterTag != "" && s.FilterTag != m.tag {
			continue
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO notify_deliveries (message_id, subscription, endpoint, format, state, next_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			m.id, s.Name, s.Endpoint, string(s.Format), StatePending, now, now)
		if err != nil {
			return fmt.Errorf("notifier: fan out %s: %w", m.id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notify_messages SET fanned_out = 1 WHERE id = ?`, m.id); err != nil {
		return err
	}
	return tx.Commit()
}

// QueueEndpoint extracts the queue name of an MNS queue endpoint
// (acs:mns:{region}:{account}:queues/{name}); region and account are not
// checked, since SDKs derive the account from the endpoint host, which for
// an emulator is an IP or localhost.
func QueueEndpoint(endpoint string) (string, bool) {
	if !strings.HasPrefix(endpoint, "acs:mns:") {
		return "", false
	}
	i := strings.LastIndex(endpoint, ":queues/")
	if i < 0 {
		return "", false
	}
	return endpoint[i+len(":queues/"):], true
}
