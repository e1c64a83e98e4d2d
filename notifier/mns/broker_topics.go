package mns

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ossemu/ossemu/notifier"
)

// Topic is an MNS topic's attributes.
type Topic struct {
	Name        string
	MaxSize     int
	Logging     bool
	Created     int64 // Unix seconds, as MNS reports them
	Modified    int64
	Messages    int64 // messages recorded for the topic (published or from tasks)
	Subscribers int64
}

// Subscription is an MNS subscription: an HTTP(S) URL or a queue endpoint
// (acs:mns:…:queues/<name>) told about every message of Topic whose tag
// matches FilterTag (an empty filter matches all).
type Subscription struct {
	Topic     string
	Name      string
	Endpoint  string
	FilterTag string
	Strategy  string // BACKOFF_RETRY or EXPONENTIAL_DECAY_RETRY (recorded; our retry policy is Config's)
	Format    notifier.Format
	Created   int64
	Modified  int64
}

const defaultMaxMessageSize = 65536

// ensureTopic creates topic with default attributes unless it exists: tasks
// name topics that nobody created, and MNS consumers expect to find them.
func ensureTopic(ctx context.Context, db execer, name string, nowMS int64) error {
	_, err := db.ExecContext(ctx,
		`INSERT INTO mns_topics (name, max_size, created_at, modified_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		name, defaultMaxMessageSize, nowMS, nowMS)
	return err
}

func getTopic(ctx context.Context, db execer, name string) (*Topic, error) {
	t := Topic{Name: name}
	var logging int
	err := db.QueryRowContext(ctx, `SELECT max_size, logging, created_at, modified_at,
		(SELECT COUNT(*) FROM notify_messages WHERE topic = t.name),
		(SELECT COUNT(*) FROM mns_subscriptions WHERE topic = t.name)
		FROM mns_topics t WHERE name = ?`, name).
		Scan(&t.MaxSize, &logging, &t.Created, &t.Modified, &t.Messages, &t.Subscribers)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errf(CodeTopicNotExist, "The topic you provided does not exist: %s.", name)
	}
	if err != nil {
		return nil, err
	}
	t.Logging = logging != 0
	t.Created /= 1000
	t.Modified /= 1000
	return &t, nil
}

// GetTopic returns a topic's attributes.
func (b *Broker) GetTopic(ctx context.Context, name string) (*Topic, error) {
	return getTopic(ctx, b.db, name)
}

// CreateTopic creates a topic. created is false when a topic with the same
// attributes already existed (MNS answers 204); different attributes are a
// TopicAlreadyExist error unless override is set (metaoverride=true).
func (b *Broker) CreateTopic(ctx context.Context, t Topic, override bool) (created bool, err error) {
	if !notifier.ValidName(t.Name) {
		return false, Errf(CodeTopicNameInvalid, "The topic name %q is invalid: letters, digits and '-', starting with a letter, at most 256.", t.Name)
	}
	if t.MaxSize == 0 {
		t.MaxSize = defaultMaxMessageSize
	}
	old, err := getTopic(ctx, b.db, t.Name)
	if err == nil {
		if old.MaxSize == t.MaxSize && old.Logging == t.Logging {
			return false, nil
		}
		if !override {
			return false, Errf(CodeTopicAlreadyExist, "The topic %s already exists with different attributes.", t.Name)
		}
		_, err = b.db.ExecContext(ctx, `UPDATE mns_topics SET max_size = ?, logging = ?, modified_at = ? WHERE name = ?`,
			t.MaxSize, boolInt(t.Logging), ms(b.now()), t.Name)
		return false, err
	}
	if _, ok := AsError(err); !ok {
		return false, err
	}
	if override {
		return false, err // metaoverride on a missing topic: TopicNotExist
	}
	now := ms(b.now())
	_, err = b.db.ExecContext(ctx, `INSERT INTO mns_topics (name, max_size, logging, created_at, modified_at) VALUES (?, ?, ?, ?, ?)`,
		t.Name, t.MaxSize, boolInt(t.Logging), now, now)
	return err == nil, err
}

// DeleteTopic deletes a topic and its subscriptions. Deleting a missing
// topic succeeds, as in MNS.
func (b *Broker) DeleteTopic(ctx context.Context, name string) error {
	return b.deleteAll(ctx, name, `DELETE FROM mns_subscriptions WHERE topic = ?`, `DELETE FROM mns_topics WHERE name = ?`)
}

// ListTopics lists topics by name after marker with prefix, at most limit
// (1000 when 0). next is the marker of the following page, "" at the end.
func (b *Broker) ListTopics(ctx context.Context, prefix, marker string, limit int) (topics []Topic, next string, err error) {
	names, next, err := listNames(ctx, b.db, "mns_topics", "", prefix, marker, limit)
	if err != nil {
		return nil, "", err
	}
	for _, name := range names {
		t, err := getTopic(ctx, b.db, name)
		if err != nil {
			return nil, "", err
		}
		topics = append(topics, *t)
	}
	return topics, next, nil
}

// listNames pages through the names of a table (optionally within a topic).
func listNames(ctx context.Context, db execer, table, topic, prefix, marker string, limit int) ([]string, string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT name FROM ` + table + ` WHERE name > ? AND substr(name, 1, ?) = ?`
	args := []any{marker, len(prefix), prefix}
	if topic != "" {
		q += ` AND topic = ?`
		args = append(args, topic)
	}
	q += ` ORDER BY name LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, "", err
		}
		names = append(names, s)
	}
	next := ""
	if len(names) > limit {
		names = names[:limit]
		next = names[limit-1]
	}
	return names, next, rows.Err()
}
