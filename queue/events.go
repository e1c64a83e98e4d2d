package queue

import (
	"sync"
	"time"
)

// Event is one change the queue made to a task: it was submitted, claimed
// by a worker, reported progress, went back to the queue (retry, shutdown,
// orphan recovery) or ended. Events are fired after the change is
// committed, from the queue's own state transitions (and, on PostgreSQL,
// from other nodes' through LISTEN/NOTIFY: relay.go), so a watcher (the
// web console's live task list) never has to poll the database.
type Event struct {
	TaskID   string
	State    State // the state after the change
	Progress int   // 0–100 for Running and final states
	At       time.Time
}

// eventBuffer is how many events a slow subscriber may fall behind before
// it is dropped. Progress is written at most once a second per running
// task, so a subscriber this far behind is stuck, not busy.
const eventBuffer = 256

// broadcaster fans events out to subscribers without ever blocking the
// queue: a subscriber whose buffer is full is dropped (its channel is
// closed), and must re-read what it shows and subscribe again. The zero
// value is ready to use.
type broadcaster struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// Subscribe returns a channel of every task change from now on and a
// function that ends the subscription (closing the channel; safe to call
// more than once). The channel is also closed when the subscriber falls
// eventBuffer events behind, or, on PostgreSQL, when the changes of other
// nodes may have been missed (the LISTEN connection reconnected): the
// subscriber then re-reads what it shows and subscribes again. On
// PostgreSQL the channel carries every node's changes (relay.go).
func (q *Queue) Subscribe() (<-chan Event, func()) {
	return q.events.subscribe()
}

func (b *broadcaster) subscribe() (<-chan Event, func()) {
	ch := make(chan Event, eventBuffer)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[chan Event]struct{})
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() { b.drop(ch) }
}

// drop removes and closes ch if it is still subscribed.
func (b *broadcaster) drop(ch chan Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[ch]; ok {
		delete(b.subs, ch)
		close(ch)
	}
}

// dropAll ends every subscription (closing the channels): the events may
// have a gap, so each subscriber re-reads and subscribes again.
func (b *broadcaster) dropAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

// publish delivers e to every subscriber that has room.
func (b *broadcaster) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// emit announces that task id is now in state st with progress pct.
func (q *Queue) emit(id string, st State, pct int) {
	q.events.publish(Event{TaskID: id, State: st, Progress: pct, At: q.now().UTC()})
}

// emitIf is emit after a conditional update: it announces the change only
// when err is nil (the row matched), and passes err through.
func (q *Queue) emitIf(err error, id string, st State) error {
	if err == nil {
		q.emit(id, st, 0)
	}
	return err
}

// emitSubmitted announces a committed batch of new tasks.
func (q *Queue) emitSubmitted(batch []*submission) {
	for _, s := range batch {
		q.emit(s.task.ID, Queued, 0)
	}
}
