package notifier

import (
	"context"
	"database/sql"
)

// Broker is the MNS broker's side of delivery (notifier/mns implements it):
// the subscriptions a topic's messages fan out to, and the local queues a
// subscription may name as its endpoint. Its operations run inside the
// dispatcher's transaction, so a fan-out, or a delivery to a queue, commits
// together with the outbox rows that record it.
type Broker interface {
	// Subscribers returns topic's subscriptions inside tx, creating the
	// topic first if it does not exist (tasks name topics nobody created).
	Subscribers(ctx context.Context, tx *sql.Tx, topic string) ([]Subscriber, error)
	// Enqueue puts body on the named local queue inside tx.
	Enqueue(ctx context.Context, tx *sql.Tx, queue, body string) error
	// Enqueued is called once a transaction that enqueued has committed.
	Enqueued()
}

// Subscriber is one recipient of a topic's messages: a broker subscription
// or a configured endpoint.
type Subscriber struct {
	Name      string // the SubscriptionName pushes carry
	Endpoint  string // an http(s) URL, or acs:mns:<region>:<account>:queues/<name> (see QueueEndpoint)
	FilterTag string // only messages with this tag; "" matches all
	Format    Format
}
