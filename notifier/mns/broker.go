package mns

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
	"github.com/ossemu/ossemu/notifier"
)

// Broker is the MNS broker's state: queues, topics, subscriptions and queue
// messages, in tables of the database the notifier's outbox lives in.
// It implements notifier.Broker, so the dispatcher fans a message out to
// the subscriptions and delivers it to a queue inside its own transaction:
// a topic-to-queue delivery commits together with the outbox row that
// records it.
type Broker struct {
	db  *sql.DB
	now func() time.Time

	mu      sync.Mutex
	arrived chan struct{} // closed (and replaced) when a queue gets a message
}

var _ notifier.Broker = (*Broker)(nil)

// NewBroker opens the broker on db, creating its tables if they are
// missing (on PostgreSQL: applying the versioned migrations of
// schema_postgres.go). The notifier's outbox tables are created too: a
// topic's message count reads them.
func NewBroker(ctx context.Context, db *sql.DB) (*Broker, error) {
	if err := notifier.Migrate(ctx, db); err != nil {
		return nil, err
	}
	if sqldb.Of(db) == sqldb.Postgres {
		if err := sqldb.Migrate(ctx, db, "mns", pgMigrations); err != nil {
			return nil, err
		}
	} else if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("mns: create tables: %w", err)
	}
	b := &Broker{db: db, now: time.Now, arrived: make(chan struct{})}
	sqldb.OnNotify(db, sqldb.TopicMNS, b.signalArrival) // messages sent through other nodes
	return b, nil
}

// schema is the broker's tables. Times are Unix milliseconds.
const schema = `
CREATE TABLE IF NOT EXISTS mns_topics (
	name          TEXT PRIMARY KEY,
	max_size      INTEGER NOT NULL,
	logging       INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	modified_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mns_subscriptions (
	topic         TEXT NOT NULL,
	name          TEXT NOT NULL,
	endpoint      TEXT NOT NULL,
	filter_tag    TEXT NOT NULL DEFAULT '',
	strategy      TEXT NOT NULL,
	format        TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	modified_at   INTEGER NOT NULL,
	PRIMARY KEY (topic, name)
);
CREATE TABLE IF NOT EXISTS mns_queues (
	name          TEXT PRIMARY KEY,
	delay         INTEGER NOT NULL,
	max_size      INTEGER NOT NULL,
	retention     INTEGER NOT NULL,
	visibility    INTEGER NOT NULL,
	polling_wait  INTEGER NOT NULL,
	logging       INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	modified_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mns_messages (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT,
	id            TEXT NOT NULL UNIQUE,
	queue         TEXT NOT NULL,
	body          TEXT NOT NULL,
	priority      INTEGER NOT NULL,
	enqueued_at   INTEGER NOT NULL,
	visible_at    INTEGER NOT NULL,
	first_dequeue INTEGER NOT NULL DEFAULT 0,
	dequeues      INTEGER NOT NULL DEFAULT 0,
	receipt       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS mns_messages_ready ON mns_messages(queue, visible_at, priority, seq);
CREATE INDEX IF NOT EXISTS mns_messages_receipt ON mns_messages(receipt);
`

// execer is what both *sql.DB and *sql.Tx offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Subscribers returns topic's subscriptions inside tx, creating the topic
// with default attributes first if it does not exist: tasks name topics
// nobody created, and MNS consumers expect to find them.
func (b *Broker) Subscribers(ctx context.Context, tx *sql.Tx, topic string) ([]notifier.Subscriber, error) {
	if err := ensureTopic(ctx, tx, topic, ms(b.now())); err != nil {
		return nil, err
	}
	subs, err := listSubscriptions(ctx, tx, topic, "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]notifier.Subscriber, 0, len(subs))
	for _, s := range subs {
		out = append(out, notifier.Subscriber{Name: s.Name, Endpoint: s.Endpoint, FilterTag: s.FilterTag, Format: s.Format})
	}
	return out, nil
}

// Enqueue puts body on queue inside tx, with the queue's own delay and the
// default priority; call Enqueued once tx has committed.
func (b *Broker) Enqueue(ctx context.Context, tx *sql.Tx, queue, body string) error {
	_, err := b.sendTx(ctx, tx, queue, body, -1, 0)
	return err
}

// Enqueued wakes the long polls after a transaction that enqueued has
// committed; they re-check their queue.
func (b *Broker) Enqueued() { b.signalArrival() }

// Publish records a message for topic in out's outbox (the MNS Publish
// call), in one transaction with the check that the topic exists; the
// dispatcher then fans it out like a task notification.
func (b *Broker) Publish(ctx context.Context, out *notifier.Notifier, topic, body, tag string) (string, error) {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := getTopic(ctx, tx, topic); err != nil {
		return "", err
	}
	id, err := out.PublishTx(ctx, tx, topic, body, tag)
	if err != nil {
		return "", err
	}
	if err := tx.Commit(); err != nil {
		return "", err
	}
	out.Wake()
	return id, nil
}

// arrival returns a channel closed when the next queue message arrives.
// Take it before looking at a queue, so an arrival in between is not missed.
func (b *Broker) arrival() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.arrived
}

// signalArrival wakes every long poll; they re-check their queue.
func (b *Broker) signalArrival() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.arrived)
	b.arrived = make(chan struct{})
}

// deleteAll runs DELETE statements whose one argument is name in one
// transaction, so a queue or topic never outlives, or is outlived by, its
// messages or subscriptions.
func (b *Broker) deleteAll(ctx context.Context, name string, stmts ...string) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt, name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
