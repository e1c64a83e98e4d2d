package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// NewTask is a request to persist. ID and EventID are generated when empty;
// Action is required (see Task.Action).
type NewTask struct {
	ID        string
	EventID   string
	RequestID string
	Action    string
	Bucket    string
	Object    string
	Process   string
	Topic     string
	Sources   []Ref
}

type submission struct {
	task *Task
	err  chan error
}

// maxBatch bounds one group commit; large enough to amortise an fsync over
// hundreds of submissions, small enough to keep the writer's lock short.
const maxBatch = 256

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("queue: closed")

// ErrNoAction is returned by Enqueue for a task without an action: no
// processor could ever run it.
var ErrNoAction = errors.New("queue: the task has no action")

// Enqueue persists a new queued task and returns it once the commit is on
// disk. Concurrent calls are group-committed: the writer goroutine takes
// every submission waiting at that moment into one transaction, so N
// concurrent requests cost one fsync instead of N.
func (q *Queue) Enqueue(ctx context.Context, nt NewTask) (*Task, error) {
	if nt.Action == "" {
		return nil, ErrNoAction
	}
	t := &Task{
		ID: nt.ID, Type: TaskTypeMediaConvert, EventID: nt.EventID, RequestID: nt.RequestID,
		Action: nt.Action, Bucket: nt.Bucket, Object: nt.Object, Process: nt.Process, Topic: nt.Topic,
		Sources: nt.Sources, State: Queued, CreatedAt: q.now().UTC().Truncate(1e6),
	}
	if t.ID == "" {
		t.ID = NewTaskID()
	}
	if t.EventID == "" {
		t.EventID = NewEventID()
	}
	if t.Sources == nil {
		t.Sources = []Ref{{Bucket: t.Bucket, Key: t.Object}}
	}
	s := &submission{task: t, err: make(chan error, 1)}
	select {
	case q.sub <- s:
	case <-q.stop:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once handed over the submission is committed or failed regardless of
	// ctx, so wait for the verdict: answering "failed" for a task that was
	// in fact stored would make the caller retry and duplicate it.
	var err error
	select {
	case err = <-s.err:
	case <-q.done:
		// The writer stopped; it answered every submission it took.
		select {
		case err = <-s.err:
		default:
			err = ErrClosed
		}
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// writer is the group-commit loop.
func (q *Queue) writer() {
	defer close(q.done)
	for {
		var first *submission
		select {
		case first = <-q.sub:
		case <-q.stop:
			q.drainClosed()
			return
		}
		batch := []*submission{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case s := <-q.sub:
				batch = append(batch, s)
			default:
				break fill
			}
		}
		if err := q.insert(batch); err == nil || len(batch) == 1 {
			for _, s := range batch {
				s.err <- err
			}
		} else {
			// One bad row (a duplicate ID) must not fail its neighbours:
			// retry each alone so only the culprit gets the error.
			for _, s := range batch {
				s.err <- q.insert([]*submission{s})
			}
		}
		q.poke()
	}
}

func (q *Queue) drainClosed() {
	for {
		select {
		case s := <-q.sub:
			s.err <- ErrClosed
		default:
			return
		}
	}
}

// poke wakes the pool's dispatcher without blocking.
func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) insert(batch []*submission) error {
	ctx := context.Background()
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO tasks
		(id, type, event_id, request_id, action, bucket, object, process, topic, sources, state, created_at, next_run_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`)
	if err != nil {
		return fmt.Errorf("queue: prepare: %w", err)
	}
	defer stmt.Close()
	for _, s := range batch {
		if err := insertOne(ctx, stmt, s.task); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: commit: %w", err)
	}
	q.emitSubmitted(batch) // events.go
	return nil
}

func insertOne(ctx context.Context, stmt *sql.Stmt, t *Task) error {
	src, err := json.Marshal(t.Sources)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	c := ms(t.CreatedAt)
	if _, err := stmt.ExecContext(ctx, t.ID, t.Type, t.EventID, t.RequestID, t.Action, t.Bucket, t.Object,
		t.Process, t.Topic, string(src), c, c); err != nil {
		return fmt.Errorf("queue: insert %s: %w", t.ID, err)
	}
	return nil
}
