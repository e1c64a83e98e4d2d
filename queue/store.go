// Package queue is ossemu's durable task queue: asynchronous processing
// requests persisted in SQLite (or, shared by several nodes, PostgreSQL: see
// postgres.go), run by a pool of workers under a lease, with outputs
// published only when a task succeeds.
//
// SQLite settings and why:
//   - WAL journal: readers (the task API) never block the writer.
//   - synchronous=FULL: a commit is on disk before Enqueue returns, so a task
//     that was acknowledged survives a power cut, not just a crash.
//   - one writer connection: SQLite serialises writers anyway; one pooled
//     connection turns lock contention (SQLITE_BUSY) into Go-side queueing.
//     Submissions are group-committed (see submit.go) to amortise the fsync.
//   - _txlock=immediate: a write transaction takes the write lock at BEGIN,
//     so it can never fail half-way with a lock upgrade error.
//   - busy_timeout: another process (the sqlite3 CLI, a backup) holding the
//     lock briefly makes us wait instead of failing.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Queue is the task store. It is safe for concurrent use.
type Queue struct {
	w     *sql.DB // the single writer connection (PostgreSQL: the pool)
	r     *sql.DB // read-only pool for the task API (PostgreSQL: w)
	node  string  // this process's node id, recorded with each run
	lock  *os.File
	sub   chan *submission
	stop  chan struct{}
	done  chan struct{}
	wake  chan struct{} // poked after each commit of new tasks
	now   func() time.Time
	close sync.Once

	events  broadcaster // task changes for watchers (events.go)
	running runRegistry // this process's runs, for Cancel (running.go)
}

const schema = `
CREATE TABLE IF NOT EXISTS tasks (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
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
	lease_until INTEGER NOT NULL DEFAULT 0,
	progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	targets     TEXT NOT NULL DEFAULT '[]',
	code        TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	started_at  INTEGER NOT NULL DEFAULT 0,
	finished_at INTEGER NOT NULL DEFAULT 0,
	next_run_at INTEGER NOT NULL DEFAULT 0,
	action      TEXT NOT NULL DEFAULT '',
	detail      TEXT,
	forgiven    INTEGER NOT NULL DEFAULT 0,
	suspect     INTEGER NOT NULL DEFAULT 0,
	cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks(state, next_run_at, seq);
CREATE INDEX IF NOT EXISTS tasks_state_seq ON tasks(state, seq);
` + runsSchema

// Open opens (creating if needed) the queue database at path. It takes an
// exclusive lock on path+".lock" for the life of the Queue: one process owns
// a data directory, which is what lets Pool.Run treat every task still
// marked running at start as orphaned by a dead process.
func Open(ctx context.Context, path string, opts ...Option) (*Queue, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("queue: %s is in use by another process: %w", path, err)
	}
	q := &Queue{
		lock: lock,
		sub:  make(chan *submission, 1024),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		wake: make(chan struct{}, 1),
		now:  time.Now,
		node: newOptions(opts).node,
	}
	if err := q.open(ctx, path); err != nil {
		q.closeDBs()
		return nil, err
	}
	go q.writer()
	return q, nil
}

func (q *Queue) open(ctx context.Context, path string) error {
	u := url.URL{Scheme: "file", Opaque: path}
	base := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	var err error
	q.w, err = sql.Open("sqlite", u.String()+"?"+base+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	q.w.SetMaxOpenConns(1)
	q.w.SetMaxIdleConns(1)
	q.w.SetConnMaxLifetime(0)
	q.w.SetConnMaxIdleTime(0)
	if _, err := q.w.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("queue: creating schema: %w", err)
	}
	if err := migrate(ctx, q.w); err != nil {
		return err
	}
	q.r, err = sql.Open("sqlite", u.String()+"?"+base+"&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	q.r.SetMaxOpenConns(4)
	if err := q.r.PingContext(ctx); err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	return nil
}

// DB returns the writer database so other packages (the notifier) can keep
// their own tables in the same file and commit with the task state. Use it
// only for short transactions: it is the one connection every write shares.
func (q *Queue) DB() *sql.DB { return q.w }

// Close stops the submission writer and closes the database. Call it after
// the pool has stopped; later calls do nothing.
func (q *Queue) Close() error {
	var err error
	q.close.Do(func() {
		close(q.stop)
		<-q.done
		err = q.closeDBs()
	})
	return err
}

func (q *Queue) closeDBs() error {
	var errs []error
	if q.r != nil && q.r != q.w {
		errs = append(errs, q.r.Close())
	}
	if q.w != nil {
		errs = append(errs, q.w.Close())
	}
	if q.lock != nil {
		errs = append(errs, q.lock.Close()) // releases the flock
	}
	return errors.Join(errs...)
}

// ms and fromMS store times as Unix milliseconds; 0 is the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
