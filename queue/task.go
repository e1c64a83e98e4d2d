package queue

import (
	"crypto/rand"
	"encoding/json"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
)

// State is a task's lifecycle state as stored in the database.
type State string

// The task states. Queued and Running are live; Succeeded and Failed are
// final and never change again.
const (
	Queued    State = "queued"
	Running   State = "running"
	Succeeded State = "succeeded"
	Failed    State = "failed"
)

// Final reports whether s is a terminal state.
func (s State) Final() bool { return s == Succeeded || s == Failed }

// Status is the IMM spelling of the state (Queued, Running, Succeeded,
// Failed), used by the task API and notifications.
func (s State) Status() string {
	switch s {
	case Queued:
		return "Queued"
	case Running:
		return "Running"
	case Succeeded:
		return "Succeeded"
	case Failed:
		return "Failed"
	}
	return string(s)
}

// ParseStatus maps an IMM status name (any case) back to a State.
func ParseStatus(s string) (State, bool) {
	for _, st := range []State{Queued, Running, Succeeded, Failed} {
		if strings.EqualFold(s, string(st)) {
			return st, true
		}
	}
	return "", false
}

// TaskTypeMediaConvert is the IMM task type OSS reports for video processing
// (concat and sprite alike: their TaskIds both start with "MediaConvert-").
const TaskTypeMediaConvert = "MediaConvert"

// Ref names one object.
type Ref struct {
	Bucket string `json:"Bucket"`
	Key    string `json:"Key"`
}

// URI returns the object as an oss:// URI, the form IMM reports.
func (r Ref) URI() string { return "oss://" + r.Bucket + "/" + r.Key }

// Task is one persisted asynchronous processing request and its outcome.
// It is what the task API shows and what Config.OnFinish receives.
type Task struct {
	ID        string // TaskId, "MediaConvert-<uuid>"
	Type      string // TaskType, TaskTypeMediaConvert
	EventID   string
	RequestID string // x-oss-request-id of the submitting request

	// Action names the processing (video/concat, video/sprite): the key of
	// the Config.Processors entry that runs the task. The submitter takes
	// it from its parse of Process; the queue never parses Process.
	Action  string
	Bucket  string // source bucket
	Object  string // source object (the request's key)
	Process string // the process string as submitted
	Topic   string // notify topic; "" when the request asked for none
	Sources []Ref  // every input object, in order

	State    State
	Attempts int // runs started so far, crash re-runs included
	// Forgiven counts the runs a process death cut short that were not
	// blamed on the task (crash.go); Attempts - Forgiven is what
	// MaxAttempts bounds.
	Forgiven int
	Progress int // 0–100
	Targets  []Ref
	Code     string // error code name when Failed
	Message  string
	Detail   json.RawMessage // the processor's Result.Detail when Succeeded; nil otherwise

	CreatedAt  time.Time
	StartedAt  time.Time // first run's start; zero while never run
	FinishedAt time.Time // zero until final
	NextRunAt  time.Time // earliest next run when queued after a transient failure
	LeaseUntil time.Time // while running: when the run is presumed dead

	// Runs lists which node ran which attempt, oldest first (Get only).
	Runs []Run

	// suspect marks a task a process death interrupted: it runs alone in a
	// settled pool until a run of it ends (crash.go).
	suspect bool
	// cancelRequested marks a task Cancel found running: whichever run
	// holds it stops (cancel.go), and a run that claims it again after it
	// went back to the queue stops at once.
	cancelRequested bool
}

// charged is how many runs count against MaxAttempts.
func (t *Task) charged() int { return t.Attempts - t.Forgiven }

// NewTaskID returns a TaskId shaped like OSS's: "MediaConvert-<uuid>".
func NewTaskID() string { return TaskTypeMediaConvert + "-" + uuid.NewString() }

// NewEventID returns an EventId shaped like OSS's "10C-1XqxdjCRx3x7gRim3go1yLUVWgm":
// three upper-case hex digits, a dash and 27 base-62 characters.
func NewEventID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, 31)
	for range 3 {
		b = append(b, hex[randInt(len(hex))])
	}
	b = append(b, '-')
	for range 27 {
		b = append(b, alphabet[randInt(len(alphabet))])
	}
	return string(b)
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return int(v.Int64())
}
