package mns

import (
	"context"
	"strings"

	"github.com/ossemu/ossemu/notifier"
)

// Subscribe creates a subscription, creating its topic if needed. created
// is false when the same subscription already existed.
func (b *Broker) Subscribe(ctx context.Context, s Subscription) (created bool, err error) {
	if !notifier.ValidName(s.Name) {
		return false, Errf(CodeSubscriptionNameInvalid, "The subscription name %q is invalid.", s.Name)
	}
	if _, ok := notifier.QueueEndpoint(s.Endpoint); !ok && !strings.HasPrefix(s.Endpoint, "http://") && !strings.HasPrefix(s.Endpoint, "https://") {
		return false, Errf(CodeEndpointInvalid, "The endpoint %q is neither an http(s) URL nor acs:mns:<region>:<account>:queues/<queue>.", s.Endpoint)
	}
	if s.Strategy == "" {
		s.Strategy = "BACKOFF_RETRY"
	}
	if s.Format == "" {
		s.Format = notifier.FormatXML
	}
	// Lenient where MNS is strict (TopicNotExist): a consumer may subscribe
	// before the first task has named the topic, so the topic is created
	// here as a task would create it.
	if !notifier.ValidName(s.Topic) {
		return false, Errf(CodeTopicNameInvalid, "The topic name %q is invalid.", s.Topic)
	}
	if err := ensureTopic(ctx, b.db, s.Topic, ms(b.now())); err != nil {
		return false, err
	}
	old, err := b.GetSubscription(ctx, s.Topic, s.Name)
	if err == nil {
		if old.Endpoint == s.Endpoint && old.FilterTag == s.FilterTag && old.Format == s.Format {
			return false, nil
		}
		return false, Errf(CodeSubscriptionAlreadyExist, "The subscription %s already exists with different attributes.", s.Name)
	}
	if _, ok := AsError(err); !ok {
		return false, err
	}
	now := ms(b.now())
	_, err = b.db.ExecContext(ctx, `INSERT INTO mns_subscriptions (topic, name, endpoint, filter_tag, strategy, format, created_at, modified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Topic, s.Name, s.Endpoint, s.FilterTag, s.Strategy, string(s.Format), now, now)
	return err == nil, err
}

// SetSubscriptionStrategy changes a subscription's NotifyStrategy.
func (b *Broker) SetSubscriptionStrategy(ctx context.Context, topic, name, strategy string) error {
	res, err := b.db.ExecContext(ctx, `UPDATE mns_subscriptions SET strategy = ?, modified_at = ? WHERE topic = ? AND name = ?`,
		strategy, ms(b.now()), topic, name)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return Errf(CodeSubscriptionNotExist, "The subscription %s of topic %s does not exist.", name, topic)
	}
	return nil
}

// GetSubscription returns one subscription.
func (b *Broker) GetSubscription(ctx context.Context, topic, name string) (*Subscription, error) {
	subs, err := listSubscriptions(ctx, b.db, topic, name, 1)
	if err != nil {
		return nil, err
	}
	if len(subs) == 0 || subs[0].Name != name {
		return nil, Errf(CodeSubscriptionNotExist, "The subscription %s of topic %s does not exist.", name, topic)
	}
	return &subs[0], nil
}

// Unsubscribe deletes a subscription; a missing one is not an error.
func (b *Broker) Unsubscribe(ctx context.Context, topic, name string) error {
	_, err := b.db.ExecContext(ctx, `DELETE FROM mns_subscriptions WHERE topic = ? AND name = ?`, topic, name)
	return err
}

// ListSubscriptions pages through a topic's subscriptions.
func (b *Broker) ListSubscriptions(ctx context.Context, topic, prefix, marker string, limit int) ([]Subscription, string, error) {
	if _, err := getTopic(ctx, b.db, topic); err != nil {
		return nil, "", err
	}
	names, next, err := listNames(ctx, b.db, "mns_subscriptions", topic, prefix, marker, limit)
	if err != nil {
		return nil, "", err
	}
	var out []Subscription
	for _, name := range names {
		s, err := b.GetSubscription(ctx, topic, name)
		if err != nil {
			return nil, "", err
		}
		out = append(out, *s)
	}
	return out, next, nil
}

// listSubscriptions reads a topic's subscriptions: all of them, or only the
// one named exact, at most limit (0 = no limit).
func listSubscriptions(ctx context.Context, db execer, topic, exact string, limit int) ([]Subscription, error) {
	q := `SELECT topic, name, endpoint, filter_tag, strategy, format, created_at, modified_at FROM mns_subscriptions WHERE topic = ?`
	args := []any{topic}
	if exact != "" {
		q += ` AND name = ?`
		args = append(args, exact)
	}
	q += ` ORDER BY name`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var s Subscription
		var f string
		if err := rows.Scan(&s.Topic, &s.Name, &s.Endpoint, &s.FilterTag, &s.Strategy, &f, &s.Created, &s.Modified); err != nil {
			return nil, err
		}
		s.Format = notifier.Format(f)
		s.Created /= 1000
		s.Modified /= 1000
		out = append(out, s)
	}
	return out, rows.Err()
}
