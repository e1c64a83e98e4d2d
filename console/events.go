package console

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ossemu/ossemu/queue"
)

// The live task stream. One hub per console subscribes to the queue's
// events while at least one browser listens, turns each event into one
// Server-Sent Events frame (reading the changed task once, whatever the
// number of browsers) and fans the frame out. Frames:
//
//	event: task      data: a taskRow (state changes: submitted, started, requeued, ended)
//	event: progress  data: {"TaskId", "Progress"} (a running task's progress; no read)
//	event: resync    the stream fell behind; reload the list
//
// A browser that cannot keep up is disconnected; EventSource reconnects and
// the page reloads its list.

// clientBuffer is how many frames a browser may fall behind.
const clientBuffer = 64

// pingEvery keeps idle connections (and proxies) alive.
const pingEvery = 15 * time.Second

type hub struct {
	events Events
	frame  func(context.Context, queue.Event) []byte
	log    *slog.Logger

	mu      sync.Mutex
	clients map[chan []byte]struct{}
	stop    func() // ends the queue subscription; nil while nobody listens
}

func newHub(events Events, frame func(context.Context, queue.Event) []byte, log *slog.Logger) *hub {
	return &hub{events: events, frame: frame, log: log, clients: map[chan []byte]struct{}{}}
}

// join adds a listener, subscribing to the queue for the first one.
func (h *hub) join() (<-chan []byte, func()) {
	ch := make(chan []byte, clientBuffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[ch] = struct{}{}
	if h.stop == nil {
		h.subscribe()
	}
	return ch, func() { h.leave(ch) }
}

// subscribe starts relaying queue events; h.mu is held.
func (h *hub) subscribe() {
	events, unsubscribe := h.events.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = func() { cancel(); unsubscribe() }
	go h.relay(ctx, events)
}

// relay turns events into frames until the subscription ends. A closed
// channel while listeners remain means the hub itself fell behind: they
// are told to resync and the hub subscribes again.
func (h *hub) relay(ctx context.Context, events <-chan queue.Event) {
	for ev := range events {
		if ctx.Err() != nil {
			return // unsubscribed: what is left is stale
		}
		if f := h.frame(ctx, ev); f != nil {
			h.broadcast(f)
		}
	}
	if ctx.Err() != nil {
		return
	}
	h.log.Warn("console: the live stream fell behind; clients resync")
	h.broadcast([]byte("event: resync\ndata: {}\n\n"))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop != nil {
		h.stop()
		h.stop = nil
		if len(h.clients) > 0 {
			h.subscribe()
		}
	}
}

func (h *hub) broadcast(frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case ch <- frame:
		default:
			delete(h.clients, ch) // too slow: it reconnects and reloads
			close(ch)
		}
	}
}

// leave removes a listener; the last one ends the queue subscription.
func (h *hub) leave(ch chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[ch]; ok {
		delete(h.clients, ch)
		close(ch)
	}
	if len(h.clients) == 0 && h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// listeners is how many browsers are connected (tests).
func (h *hub) listeners() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// taskFrame renders one queue event. Progress of a running task needs no
// read; any other change reads the task once for every listener.
func (c *Console) taskFrame(ctx context.Context, ev queue.Event) []byte {
	if ev.State == queue.Running && ev.Progress > 0 {
		return sseFrame("progress", map[string]any{"TaskId": ev.TaskID, "Progress": ev.Progress})
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	t, err := c.cfg.Tasks.Get(ctx, ev.TaskID)
	if err != nil {
		c.cfg.Logger.Warn("console: reading a changed task", "task", ev.TaskID, "err", err)
		return nil
	}
	return sseFrame("task", viewRow(t))
}

func sseFrame(event string, v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return []byte("event: " + event + "\ndata: " + string(data) + "\n\n")
}

// events answers GET api/events with the live task stream.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	frames, leave := c.hub.join()
	defer leave()
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 2000\nevent: hello\ndata: {}\n\n")); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		var out []byte
		select {
		case <-r.Context().Done():
			return
		case f, ok := <-frames:
			if !ok {
				return // fell behind: the browser reconnects and reloads
			}
			out = f
		case <-ping.C:
			out = []byte(": ping\n\n")
		}
		if _, err := w.Write(out); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
