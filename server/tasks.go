package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// The task API mirrors IMM's GetTask and ListTasks, since that is where the
// real service reports asynchronous media tasks (GetTask: Status Running,
// Succeeded or Failed, Code, Message, StartTime, EndTime, UserData,
// Progress 0–100; ListTasks: filters, NextToken paging, MaxResults ≤ 100):
//
//	GET /_ossemu/tasks/<TaskId>
//	GET /_ossemu/tasks?status=<Queued|Running|Succeeded|Failed>&limit=<1–100>&next=<NextToken>
//
// IMM's own parameter names (MaxResults, NextToken, Status) are accepted too.

// mountTasks adds the task API under /_ossemu/.
func (s *Server) mountTasks(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.guard(basicOrSignature))
		r.Get("/tasks", s.handleTasks(s.listTasks))
		r.Get("/tasks/", s.handleTasks(s.listTasks))
		r.Get("/tasks/{id}", s.handleTasks(s.getTask))
	})
}

func (s *Server) handleTasks(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := errNoTasks
		if s.deps.Tasks != nil {
			err = h(w, r)
		}
		if errors.Is(err, errNoTasks) {
			err = osserr.New(osserr.NotImplemented, "asynchronous processing is not enabled on this emulator")
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	}
}

func (s *Server) getTask(w http.ResponseWriter, r *http.Request) error {
	setOp(w, "GetTask")
	id := chi.URLParam(r, "id")
	t, err := s.deps.Tasks.Get(r.Context(), id)
	if errors.Is(err, queue.ErrNotFound) {
		return osserr.New(osserr.ResourceNotFound, "The specified task does not exist: %s", id)
	}
	if err != nil {
		return err
	}
	v := viewTaskDetail(t)
	if s.deps.Notifications != nil && t.Topic != "" {
		if v.Notification, err = s.deps.Notifications.TaskStatus(r.Context(), t.ID); err != nil {
			return err
		}
	}
	return writeJSON(w, struct {
		RequestID string `json:"RequestId"`
		taskView
	}{requestID(w), v})
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	setOp(w, "ListTasks")
	q := r.URL.Query()
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := q.Get(k); v != "" {
				return v
			}
		}
		return ""
	}
	var opts queue.ListOptions
	if v := first("status", "Status"); v != "" {
		st, ok := queue.ParseStatus(v)
		if !ok {
			return osserr.New(osserr.InvalidArgument, "status %q is not one of Queued, Running, Succeeded, Failed", v)
		}
		opts.State = st
	}
	if v := first("limit", "MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > queue.MaxListLimit {
			return osserr.New(osserr.InvalidArgument, "limit %q out of range [1, %d]", v, queue.MaxListLimit)
		}
		opts.Limit = n
	}
	opts.Next = first("next", "NextToken")
	tasks, next, err := s.deps.Tasks.List(r.Context(), opts)
	if errors.Is(err, queue.ErrBadToken) {
		return osserr.New(osserr.InvalidArgument, "NextToken %q is not valid", opts.Next)
	}
	if err != nil {
		return err
	}
	views := make([]taskView, 0, len(tasks))
	for _, t := range tasks {
		views = append(views, viewTask(t))
	}
	return writeJSON(w, struct {
		RequestID string     `json:"RequestId"`
		NextToken string     `json:"NextToken"`
		Tasks     []taskView `json:"Tasks"`
	}{requestID(w), next, views})
}

// taskView is one task in IMM's shape, plus the emulator's extras (EventId,
// Process, Attempts, NotifyTopic, SubmitTime, Runs).
type taskView struct {
	TaskID      string   `json:"TaskId"`
	TaskType    string   `json:"TaskType"`
	Status      string   `json:"Status"`
	Progress    int      `json:"Progress"`
	Code        string   `json:"Code"`
	Message     string   `json:"Message"`
	SubmitTime  string   `json:"SubmitTime"`
	StartTime   string   `json:"StartTime,omitempty"`
	EndTime     string   `json:"EndTime,omitempty"`
	Sources     []uriRef `json:"Sources"`
	Targets     []uriRef `json:"Targets"`
	Process     string   `json:"Process"`
	EventID     string   `json:"EventId"`
	SubmitReqID string   `json:"SubmitRequestId"`
	NotifyTopic string   `json:"NotifyTopic,omitempty"`
	Attempts    int      `json:"Attempts"`
	UserData    string   `json:"UserData"`
	// Runs is which node ran which attempt (GetTask only).
	Runs []runView `json:"Runs,omitempty"`
	// Notification is the delivery state of the task's MNS message (GetTask
	// only; absent until the task has ended or without a notify stage).
	Notification *notifier.MessageStatus `json:"Notification,omitempty"`
	// Sprite is a succeeded sprite task's cell map (GetTask only, see
	// viewTaskDetail).
	Sprite json.RawMessage `json:"Sprite,omitempty"`
}

type uriRef struct {
	URI string `json:"URI"`
}

// runView is one run of a task: the node (--node-id) that ran an attempt.
type runView struct {
	Attempt   int    `json:"Attempt"`
	Node      string `json:"Node"`
	StartTime string `json:"StartTime"`
}

func viewTask(t *queue.Task) taskView {
	v := taskView{
		TaskID: t.ID, TaskType: t.Type, Status: t.State.Status(), Progress: t.Progress,
		SubmitTime: immTime(t.CreatedAt), StartTime: immTime(t.StartedAt), EndTime: immTime(t.FinishedAt),
		Process: t.Process, EventID: t.EventID, SubmitReqID: t.RequestID, NotifyTopic: t.Topic,
		Attempts: t.Attempts, Sources: uris(t.Sources), Targets: uris(t.Targets),
	}
	for _, r := range t.Runs {
		v.Runs = append(v.Runs, runView{Attempt: r.Attempt, Node: r.Node, StartTime: immTime(r.StartedAt)})
	}
	if t.State.Final() {
		// While a transient failure is being retried, Code and Message hold
		// the last error; IMM shows them only once the task has ended.
		v.Code, v.Message = t.Code, t.Message
	}
	return v
}

func uris(refs []queue.Ref) []uriRef {
	out := make([]uriRef, 0, len(refs))
	for _, r := range refs {
		out = append(out, uriRef{URI: r.URI()})
	}
	return out
}

// immTime formats like IMM ("2024-08-20T07:03:07.360Z"); "" for zero.
func immTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// writeJSON writes v with status 200 as exactly "application/json": the v2
// SDK rejects a charset parameter.
func writeJSON(w http.ResponseWriter, v any) error {
	out, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out)
	return err
}
