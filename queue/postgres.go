package queue

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ossemu/ossemu/internal/sqldb"
)

// PostgreSQL is the store several ossemu nodes share (--queue-url). The
// queries are the SQLite ones (internal/sqldb rebinds their placeholders);
// what differs:
//
//   - Claiming locks the chosen row with FOR UPDATE SKIP LOCKED, so nodes
//     claiming at the same time take different tasks without waiting for
//     each other. (On SQLite the claim is one write transaction, and there
//     is one writer.)
//   - Nothing is assumed about running tasks at start: another node may
//     own them. A dead node's tasks come back when their lease expires,
//     found by every pool's periodic reap.
//   - New and re-queued tasks wake every node's idle pool through
//     LISTEN/NOTIFY (the tasks_added and tasks_requeued triggers), not only
//     the submitting node's.
//   - Task changes and cancel requests reach every node through
//     LISTEN/NOTIFY too (triggers of migration 4; relay.go): the console of
//     an api node sees the tasks workers run, and a cancel stops a run on
//     whichever node holds it.
//   - The schema is versioned (pgMigrations), applied at start by one node
//     at a time under an advisory lock.
//   - Leases compare times written by different machines' clocks: keep the
//     nodes' clocks in sync (NTP); a skew eats into LeaseTimeout.

// Option configures Open and OpenURL.
type Option func(*options)

type options struct {
	node     string
	logger   *slog.Logger
	maxConns int
}

func newOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.node == "" {
		o.node = DefaultNodeID()
	}
	return o
}

// WithNode names this process in the runs it records (Task.Runs); default
// DefaultNodeID().
func WithNode(id string) Option { return func(o *options) { o.node = id } }

// WithLogger sets the logger of a PostgreSQL queue's LISTEN connection.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithMaxConns bounds a PostgreSQL queue's connection pool (default 10),
// which the notifier and the MNS broker share.
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = n } }

// OpenURL opens the queue in the PostgreSQL database at url
// (postgres://…), creating or upgrading its tables first. Unlike Open it
// takes no lock: every node of a cluster opens the same database.
func OpenURL(ctx context.Context, url string, opts ...Option) (*Queue, error) {
	o := newOptions(opts)
	db, err := sqldb.Open(ctx, url, sqldb.Options{MaxConns: o.maxConns, Logger: o.logger, Node: o.node})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if err := sqldb.Migrate(ctx, db, "queue", pgMigrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{
		w: db, r: db, node: o.node,
		sub:  make(chan *submission, 1024),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		wake: make(chan struct{}, 1),
		now:  time.Now,
	}
	sqldb.OnNotify(db, sqldb.TopicTasks, q.poke)
	q.listenCluster() // relay.go
	go q.writer()
	return q, nil
}

// Shared reports whether other processes use the store too (PostgreSQL).
func (q *Queue) Shared() bool { return sqldb.Of(q.w).Shared() }

// Dialect names the store: "sqlite" or "postgres".
func (q *Queue) Dialect() string { return sqldb.Of(q.w).String() }

// pgMigrations is the PostgreSQL schema's history (see sqldb.Migrate). It
// matches the SQLite schema (store.go, runs.go) column for column, with
// BIGINT for the millisecond times and an identity column for seq.
var pgMigrations = []sqldb.Migration{{Version: 1, Name: "tasks and runs", SQL: `
CREATE TABLE tasks (
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	type        TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	request_id  TEXT NOT NULL,
	bucket      TEXT NOT NULL,
	object      TEXT NOT NULL,
	process     TEXT NOT NULL,
	topic       TEXT NOT NULL DEFAULT '',
	sources     TEXT NOT NULL DEFAULT '[]',
	state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until BIGINT NOT NULL DEFAULT 0,
	progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	targets     TEXT NOT NULL DEFAULT '[]',
	code        TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	created_at  BIGINT NOT NULL,
	started_at  BIGINT NOT NULL DEFAULT 0,
	finished_at BIGINT NOT NULL DEFAULT 0,
	next_run_at BIGINT NOT NULL DEFAULT 0,
	action      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_ready ON tasks (seq) WHERE state = 'queued';
CREATE INDEX tasks_state_seq ON tasks (state, seq);
CREATE INDEX tasks_leases ON tasks (lease_until) WHERE state = 'running';
CREATE TABLE task_runs (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token      TEXT NOT NULL,
	task_id    TEXT NOT NULL,
	attempt    INTEGER NOT NULL,
	node       TEXT NOT NULL,
	started_at BIGINT NOT NULL
);
CREATE INDEX task_runs_task ON task_runs (task_id, started_at);
CREATE TRIGGER tasks_added AFTER INSERT ON tasks
	FOR EACH STATEMENT EXECUTE FUNCTION ossemu_wake('` + sqldb.TopicTasks + `');
CREATE TRIGGER tasks_requeued AFTER UPDATE OF state ON tasks
	FOR EACH ROW WHEN (NEW.state = 'queued' AND OLD.state <> 'queued')
	EXECUTE FUNCTION ossemu_wake('` + sqldb.TopicTasks + `');
`}, {Version: 2, Name: "task detail", SQL: `
ALTER TABLE tasks ADD COLUMN detail TEXT;
`}, {Version: 3, Name: "crash blame and the publishing journal", SQL: `
ALTER TABLE tasks ADD COLUMN forgiven INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN suspect INTEGER NOT NULL DEFAULT 0;
` + journalSchema + `;
`}, {Version: 4, Name: "cancel requests and task events across nodes", SQL: `
ALTER TABLE tasks ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
` + pgNotifySchema + `
`}}
