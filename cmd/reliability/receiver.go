package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// receiver is an HTTP push endpoint (SIMPLIFIED format: the body is the
// message itself) recording every notification by task and message id.
type receiver struct {
	url  string
	srv  *http.Server
	mu   sync.Mutex
	got  map[string]map[string]int // TaskId → x-mns-message-id → deliveries
	last time.Time                 // when the latest push came
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String() + "/notify", got: map[string]map[string]int{}}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *receiver) close() { r.srv.Close() }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var env struct{ Content string }
	var content struct{ TaskId, Status string }
	if json.Unmarshal(body, &env) != nil || json.Unmarshal([]byte(env.Content), &content) != nil || content.TaskId == "" {
		http.Error(w, "not a task notification", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if r.got[content.TaskId] == nil {
		r.got[content.TaskId] = map[string]int{}
	}
	r.got[content.TaskId][req.Header.Get("x-mns-message-id")]++
	r.last = time.Now()
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// waitQuiet waits until every task of w has been notified and no push has
// come for quiet (so that late duplicates are counted too), at most limit.
func (r *receiver) waitQuiet(ctx context.Context, w *workload, quiet, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		r.mu.Lock()
		all := true
		for _, t := range w.tasks {
			if len(r.got[t.id]) == 0 {
				all = false
				break
			}
		}
		calm := time.Since(r.last) >= quiet
		r.mu.Unlock()
		if all && calm {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// counts returns, for task id, how many distinct messages announced it and
// how many deliveries there were in all.
func (r *receiver) counts(id string) (messages, deliveries int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.got[id] {
		messages++
		deliveries += n
	}
	return messages, deliveries
}
