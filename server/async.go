package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossemu/ossemu/internal/names"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// TaskService is what the async endpoint and the task API need from the task
// queue; *queue.Queue implements it.
type TaskService interface {
	// Enqueue persists a task; it returns only once the task is durable.
	Enqueue(ctx context.Context, t queue.NewTask) (*queue.Task, error)
	Get(ctx context.Context, id string) (*queue.Task, error)
	List(ctx context.Context, o queue.ListOptions) ([]*queue.Task, string, error)
}

// asyncBodyPrefix starts the body both Go SDKs send.
const asyncBodyPrefix = "x-oss-async-process="

// maxProcessBody bounds the request body; real process strings are a few
// hundred bytes (11 clips with base64 names stay far below this).
const maxProcessBody = 64 << 10

// asyncResult is the success body; field order matches OSS.
type asyncResult struct {
	EventID   string `json:"EventId"`
	RequestID string `json:"RequestId"`
	TaskID    string `json:"TaskId"`
}

// asyncProcess answers POST /<key>?x-oss-async-process after authentication:
// it validates everything that can be checked without running the task
// (grammar, inputs, target bucket), persists the task and answers with its
// ids. Failures found while running are reported through the task.
func (s *Server) asyncProcess(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if s.deps.Tasks == nil {
		return osserr.New(osserr.NotImplemented, "asynchronous processing is not enabled on this emulator")
	}
	ctx := r.Context()
	process, err := readProcessBody(r.Body)
	if q := r.URL.Query().Get("x-oss-async-process"); err != nil && q != "" && osserr.Is(err, osserr.InvalidRequest) {
		// Lenient: a hand-written client may put the process string in
		// the query value instead of the body.
		process, err = q, nil
	}
	if err != nil {
		return err
	}
	pl, err := parser.Parse(process)
	if err != nil {
		if _, ok := osserr.As(err); !ok {
			err = osserr.Wrap(osserr.InvalidArgument, err, "%v", err)
		}
		return err
	}
	// The names are checked with the facts of this request; the task's
	// creation time is a few milliseconds later, but every time variable
	// has a fixed width, so the lengths and the verdict are the same.
	if err := pl.CheckOutputNames(parser.Vars{Bucket: bucket, Key: key, Time: s.now().UTC()}); err != nil {
		return err
	}
	sources, err := s.checkInputs(ctx, bucket, key, pl)
	if err != nil {
		return err
	}
	if err := s.checkTarget(ctx, bucket, key, pl); err != nil {
		return err
	}
	nt := queue.NewTask{
		RequestID: requestID(w), Action: pl.Action(), Bucket: bucket, Object: key, Process: process, Sources: sources,
	}
	if pl.Notify != nil {
		nt.Topic = pl.Notify.Topic
	}
	t, err := s.deps.Tasks.Enqueue(ctx, nt)
	if err != nil {
		return err
	}
	return writeJSON(w, asyncResult{EventID: t.EventID, RequestID: t.RequestID, TaskID: t.ID})
}

// readProcessBody extracts the process string from "x-oss-async-process=…":
// the v1 and v2 SDKs send it raw, neither URL-encoded nor with a
// Content-Type, so it is percent-decoded only when it holds %XX escapes, and
// '+' always stays '+' (base64 uses it).
func readProcessBody(body io.Reader) (string, error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxProcessBody+1))
	if err != nil {
		return "", osserr.Wrap(osserr.IncompleteBody, err, "reading the request body: %v", err)
	}
	if len(raw) > maxProcessBody {
		return "", osserr.New(osserr.InvalidArgument, "the x-oss-async-process body exceeds %d bytes", maxProcessBody)
	}
	text := strings.TrimSpace(string(raw))
	process, ok := strings.CutPrefix(text, asyncBodyPrefix)
	if !ok || strings.TrimSpace(process) == "" {
		return "", osserr.New(osserr.InvalidRequest, "no x-oss-async-process parameter found")
	}
	if hasPercentEscape(process) {
		if dec, err := url.PathUnescape(process); err == nil {
			process = dec
		}
	}
	return process, nil
}

// hasPercentEscape reports whether s contains %XX with two hex digits.
func hasPercentEscape(s string) bool {
	isHex := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	}
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHex(s[i+1]) && isHex(s[i+2]) {
			return true
		}
	}
	return false
}

// checkInputs verifies that the request's object and every /pre and /sur
// object exist, and returns them in processing order.
func (s *Server) checkInputs(ctx context.Context, bucket, key string, pl *parser.Pipeline) ([]queue.Ref, error) {
	keys := []string{key}
	if pl.Concat != nil {
		keys = keys[:0]
		for _, c := range pl.Concat.Clips {
			if c.Self {
				keys = append(keys, key)
			} else {
				keys = append(keys, c.Key)
			}
		}
	}
	refs := make([]queue.Ref, 0, len(keys))
	checked := map[string]bool{}
	for _, k := range keys {
		refs = append(refs, queue.Ref{Bucket: bucket, Key: k})
		if checked[k] {
			continue
		}
		checked[k] = true
		if _, err := s.deps.Storage.StatObject(ctx, bucket, k); err != nil {
			if osserr.Is(err, osserr.NoSuchKey) {
				return nil, osserr.New(osserr.NoSuchKey, "The specified key does not exist: %s", k).With("Key", k)
			}
			return nil, err
		}
	}
	return refs, nil
}

// checkTarget verifies that the saveas bucket (default: the source bucket)
// exists. Variables in its name are expanded with the request's facts.
func (s *Server) checkTarget(ctx context.Context, bucket, key string, pl *parser.Pipeline) error {
	if pl.SaveAs.Bucket.IsZero() {
		return nil // the source bucket, which the input check just read
	}
	target := pl.SaveAs.Bucket.Expand(parser.Vars{Bucket: bucket, Key: key, Time: s.now().UTC()})
	if target == bucket {
		return nil
	}
	if !names.ValidBucketName(target) {
		return osserr.New(osserr.InvalidArgument, "sys/saveas: the target bucket %q is not a valid bucket name", target)
	}
	if _, err := s.deps.Storage.StatBucket(ctx, target); err != nil {
		if osserr.Is(err, osserr.NoSuchBucket) {
			return osserr.New(osserr.NoSuchBucket, "The specified bucket does not exist: %s", target).With("BucketName", target)
		}
		return err
	}
	return nil
}

// syncProcess answers ?x-oss-process. ossemu performs no synchronous
// processing: the parser's refusal says which call to use for the actions
// it performs asynchronously, and that it performs no other.
func (s *Server) syncProcess(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	process := r.URL.Query().Get("x-oss-process")
	if process == "" && r.Method == http.MethodPost {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxProcessBody))
		if err != nil {
			return osserr.Wrap(osserr.IncompleteBody, err, "reading the request body: %v", err)
		}
		// ali-oss processObjectSave sends a form-encoded body.
		if v, err := url.ParseQuery(strings.TrimSpace(string(raw))); err == nil {
			process = v.Get("x-oss-process")
		}
	}
	return parser.RefuseSync(process)
}

// errNoTasks is returned by the task API when no queue is configured.
var errNoTasks = errors.New("server: no task service")
