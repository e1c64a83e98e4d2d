// Package mns is ossemu's built-in MNS (SMQ) service: the broker's state
// (Broker: queues, topics, subscriptions, queue messages) and the queue,
// topic and subscription API of MNS 2015-06-06 over it (Server), enough for
// MNS SDK consumers to receive task notifications by long-polling a queue
// subscribed to the notify topic. The API runs on its own listener
// (--mns-addr) because its paths (/queues, /topics) would collide with
// bucket names on the OSS port. The state lives in SQLite tables next to the
// notifier's outbox, so nothing is lost on restart; the package imports
// notifier (for the outbox MNS Publish writes to) and implements its Broker
// interface (for the dispatcher's fan-out and queue deliveries).
package mns

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/notifier"
)

// Config configures the MNS service.
type Config struct {
	// AccessKeyID and AccessKeySecret are the emulator's key pair; requests
	// must be signed with it.
	AccessKeyID, AccessKeySecret string
	// MaxSkew bounds the Date header's distance from the clock (default 15m).
	MaxSkew time.Duration
	// MaxBody caps request bodies (default 1 MiB; MNS messages are ≤ 64 KiB
	// and a batch holds at most 16).
	MaxBody int64
}

// Validate fills defaults and checks the key pair is set.
func (c *Config) Validate() error {
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return errors.New("mns: the access key pair is required")
	}
	if c.MaxSkew <= 0 {
		c.MaxSkew = DefaultMaxSkew
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	return nil
}

// Server is the MNS HTTP API over a Broker; Publish writes to the
// notifier's outbox.
type Server struct {
	cfg     Config
	b       *Broker
	n       *notifier.Notifier
	log     *slog.Logger
	now     func() time.Time
	handler http.Handler
}

// New builds the service; serve it with Handler on its own listener.
func New(cfg Config, b *Broker, n *notifier.Notifier, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if b == nil || n == nil {
		return nil, errors.New("mns: a broker and a notifier are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, b: b, n: n, log: log, now: time.Now}
	r := chi.NewRouter()
	r.Get("/queues", s.wrap(s.listQueues))
	r.Put("/queues/{queue}", s.wrap(s.createQueue))
	r.Get("/queues/{queue}", s.wrap(s.getQueue))
	r.Delete("/queues/{queue}", s.wrap(s.deleteQueue))
	r.Post("/queues/{queue}/messages", s.wrap(s.sendMessage))
	r.Get("/queues/{queue}/messages", s.wrap(s.receiveMessage))
	r.Delete("/queues/{queue}/messages", s.wrap(s.deleteMessage))
	r.Put("/queues/{queue}/messages", s.wrap(s.changeVisibility))
	r.Get("/topics", s.wrap(s.listTopics))
	r.Put("/topics/{topic}", s.wrap(s.createTopic))
	r.Get("/topics/{topic}", s.wrap(s.getTopic))
	r.Delete("/topics/{topic}", s.wrap(s.deleteTopic))
	r.Post("/topics/{topic}/messages", s.wrap(s.publish))
	r.Get("/topics/{topic}/subscriptions", s.wrap(s.listSubscriptions))
	r.Put("/topics/{topic}/subscriptions/{sub}", s.wrap(s.subscribe))
	r.Get("/topics/{topic}/subscriptions/{sub}", s.wrap(s.getSubscription))
	r.Delete("/topics/{topic}/subscriptions/{sub}", s.wrap(s.unsubscribe))
	r.NotFound(s.wrap(func(*http.Request, []byte, http.ResponseWriter) error {
		return Errf("InvalidRequestURL", "The request URL is not an MNS resource.")
	}))
	r.MethodNotAllowed(s.wrap(func(*http.Request, []byte, http.ResponseWriter) error {
		return Errf("InvalidRequestURL", "The method is not allowed on this MNS resource.")
	}))
	s.handler = r
	return s, nil
}

// Handler is the service's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

type handlerFunc func(r *http.Request, body []byte, w http.ResponseWriter) error

// wrap authenticates, reads the body, stamps the MNS response headers and
// writes any error as MNS error XML. A request is authenticated before its
// body is read, and refused with the connection closed after the answer:
// Go's server would otherwise read up to 256 KiB of the unread body first,
// and a client trickling it would hold the refusal back.
func (s *Server) wrap(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reqID := notifier.NewRequestID()
		w.Header().Set("x-mns-request-id", reqID)
		w.Header().Set("x-mns-version", "2015-06-06")
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		w.Header().Set("Server", "AliyunMQS")
		err := s.authenticate(r)
		if err != nil && r.ContentLength != 0 {
			w.Header().Set("Connection", "close")
		}
		var body []byte
		if err == nil {
			body, err = s.readBody(r)
		}
		if err == nil {
			err = checkContentMD5(r.Header.Get("Content-MD5"), body)
		}
		if err == nil {
			err = h(r, body, w)
		}
		if err != nil {
			s.writeError(w, r, reqID, err)
		}
	}
}

// readBody reads the whole body, at most MaxBody bytes. A body that cannot
// be read (it stopped arriving, the client left) is the client's fault.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody+1))
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, &Error{Code: "RequestTimeout", Status: http.StatusBadRequest, Message: "The request body stopped arriving: " + err.Error()}
	}
	if err != nil {
		return nil, Errf(CodeInvalidArgument, "The request body could not be read: %v", err)
	}
	if int64(len(body)) > s.cfg.MaxBody {
		return nil, Errf(CodeInvalidArgument, "The request body is larger than %d bytes.", s.cfg.MaxBody)
	}
	return body, nil
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, reqID string, err error) {
	e, ok := AsError(err)
	if !ok {
		if r.Context().Err() != nil {
			return // the client went away during a long poll
		}
		s.log.ErrorContext(r.Context(), "mns: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &Error{Code: "InternalError", Status: http.StatusInternalServerError, Message: "Internal error."}
	}
	writeXML(w, e.Status, errorXML{Code: e.Code, Message: e.Message, RequestId: reqID, HostId: "http://" + r.Host})
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	return intValue(name, r.URL.Query().Get(name), def, lo, hi)
}

// intValue parses v, the value of query parameter name, as intParam does.
func intValue(name, v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < lo || k > hi {
		return 0, Errf(CodeInvalidArgument, "%s %q must be an integer in [%d, %d].", name, v, lo, hi)
	}
	return k, nil
}

// queryFold returns query parameter name, matched without regard to case
// (MNS treats ReceiptHandle, receipthandle and receiptHandle alike).
func queryFold(q url.Values, name string) (string, bool) {
	if v, ok := q[name]; ok && len(v) > 0 {
		return v[0], true
	}
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

// listParams reads the x-mns-marker, x-mns-ret-number, x-mns-prefix and
// x-mns-with-meta headers of a list call.
func listParams(r *http.Request) (prefix, marker string, limit int, meta bool, err error) {
	h := r.Header
	if v := h.Get("x-mns-ret-number"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > 1000 {
			return "", "", 0, false, Errf(CodeInvalidArgument, "x-mns-ret-number %q must be in [1, 1000].", v)
		}
	}
	return h.Get("x-mns-prefix"), h.Get("x-mns-marker"), limit, h.Get("x-mns-with-meta") == "true", nil
}

func resourceURL(r *http.Request, path string) string {
	return fmt.Sprintf("http://%s/%s", r.Host, path)
}

// createdOrNoContent answers a create call: 201 with the new resource's
// Location, or 204 when it already existed with the same attributes.
func createdOrNoContent(w http.ResponseWriter, r *http.Request, created bool, path string) error {
	if !created {
		return noContent(w)
	}
	w.Header().Set("Location", resourceURL(r, path))
	w.WriteHeader(http.StatusCreated)
	return nil
}

// listEntries renders a list page: each item's full document with
// x-mns-with-meta, else its URL document. It is never nil, so an empty
// page still has its root element.
func listEntries[T any](items []T, meta bool, full, url func(*T) any) []any {
	out := []any{}
	for i := range items {
		if meta {
			out = append(out, full(&items[i]))
		} else {
			out = append(out, url(&items[i]))
		}
	}
	return out
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
