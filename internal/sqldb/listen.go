package sqldb

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is the PostgreSQL notification channel of ossemu's wake-ups. The
// migrations' triggers call ossemu_wake(topic), which sends
// "<schema>/<topic>" on it when the transaction commits, so nodes whose
// tables live in another schema of the same database ignore it. A trigger
// that has something to say sends "<schema>/<topic>/<message>" (see
// OnMessage).
const Channel = "ossemu"

// The topics the triggers send.
const (
	TopicTasks  = "tasks"  // a task became ready to claim
	TopicNotify = "notify" // a notification message was recorded
	TopicMNS    = "mns"    // a message became receivable on an MNS queue
	TopicEvents = "events" // a task changed state or progress (message: see queue)
	TopicCancel = "cancel" // a running task was asked to stop (message: see queue)
)

// NodeSetting is the session setting ("ossemu.node") holding the node id
// given to Open (Options.Node) on every connection, so a trigger can name
// the node whose transaction fired it: current_setting('ossemu.node', true).
const NodeSetting = "ossemu.node"

// OnNotify calls fn whenever a transaction that woke topic commits on any
// node, and once the node's LISTEN connection is up: at the first
// connection (or at once, when it is already up) and after every
// reconnection, since notifications sent while nobody listened are gone.
// fn must not block. The LISTEN connection starts with the first
// call and stops when db is closed. On SQLite OnNotify does nothing: one
// process owns the database and wakes its loops itself.
func OnNotify(db *sql.DB, topic string, fn func()) {
	OnMessage(db, topic, func(string) { fn() })
}

// OnMessage is OnNotify for topics whose notifications carry a message: fn
// gets each message sent on topic by any node, in commit order, and ""
// whenever the LISTEN connection comes up (the first time and after each
// reconnection), since messages sent while nobody listened are lost. fn
// must not block. On SQLite OnMessage does nothing.
func OnMessage(db *sql.DB, topic string, fn func(msg string)) {
	d, ok := db.Driver().(*pgDriver)
	if !ok {
		return
	}
	d.c.subscribe(topic, fn)
}

func (c *connector) subscribe(topic string, fn func(string)) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.subs[topic] = append(c.subs[topic], fn)
	if c.stop == nil {
		ctx, stop := context.WithCancel(context.Background())
		c.stop, c.done = stop, make(chan struct{})
		go c.listen(ctx)
	}
	up := c.listening
	c.mu.Unlock()
	if up {
		fn("") // the connection's own wake-up went to the subscribers before this one
	}
}

// setListening records whether the LISTEN connection is up; on the way up
// it wakes every subscriber, chosen under the same lock as subscribe's
// check, so each is woken exactly once for the connection.
func (c *connector) setListening(up bool) {
	c.mu.Lock()
	c.listening = up
	var fns []func(string)
	if up {
		fns = c.callbacks("")
	}
	c.mu.Unlock()
	for _, fn := range fns {
		fn("")
	}
}

// fire calls topic's callbacks with msg.
func (c *connector) fire(topic, msg string) {
	c.mu.Lock()
	fns := c.callbacks(topic)
	c.mu.Unlock()
	for _, fn := range fns {
		fn(msg)
	}
}

// callbacks lists topic's callbacks ("": every topic's); c.mu is held.
func (c *connector) callbacks(topic string) []func(string) {
	var fns []func(string)
	for t, list := range c.subs {
		if topic == "" || t == topic {
			fns = append(fns, list...)
		}
	}
	return fns
}

// listen keeps one LISTEN connection up until ctx ends, reconnecting with a
// backoff of up to 5s.
func (c *connector) listen(ctx context.Context) {
	defer close(c.done)
	wait := 100 * time.Millisecond
	for {
		connected, err := c.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			wait = 100 * time.Millisecond
		}
		c.log.Warn("sqldb: the LISTEN connection failed; reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listenOnce connects, listens and dispatches notifications until the
// connection fails or ctx ends. connected reports whether LISTEN ran.
func (c *connector) listenOnce(ctx context.Context) (connected bool, err error) {
	pc, err := pgx.ConnectConfig(ctx, c.cfg.Copy())
	if err != nil {
		return false, err
	}
	defer pc.Close(context.WithoutCancel(ctx))
	var schema string
	if err := pc.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return false, err
	}
	if _, err := pc.Exec(ctx, `LISTEN `+Channel); err != nil {
		return false, err
	}
	c.setListening(true) // whatever was committed while nobody listened
	defer c.setListening(false)
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if s, rest, ok := strings.Cut(n.Payload, "/"); ok && s == schema {
			topic, msg, _ := strings.Cut(rest, "/")
			c.fire(topic, msg)
		}
	}
}
