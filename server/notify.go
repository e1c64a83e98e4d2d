package server

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/osserr"
)

// Notifications is what the emulator's endpoints need from the notifier:
// the delivery state of published messages, rendered by the task API and
// under NotifyPrefix, and the certificate served at CertPath.
type Notifications interface {
	// TaskStatus is the delivery state of a task's notification, nil when
	// the task published none.
	TaskStatus(ctx context.Context, taskID string) (*notifier.MessageStatus, error)
	// TopicMessages are a topic's latest messages, newest first.
	TopicMessages(ctx context.Context, topic string, limit int) ([]notifier.MessageStatus, error)
	// Certificate is the certificate pushes are signed for.
	Certificate() *x509.Certificate
}

// errNotifyOff answers the notification endpoints of a server built
// without a notifier.
func errNotifyOff() error {
	return osserr.New(osserr.NotImplemented, "notifications are not enabled on this emulator")
}

// serveCert serves the push-signing certificate as PEM.
func (s *Server) serveCert(w http.ResponseWriter, r *http.Request) {
	setOp(w, "GetSigningCertificate")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.writeError(w, r, osserr.New(osserr.MethodNotAllowed, "%s is not allowed on %s; use GET", r.Method, CertPath))
		return
	}
	if s.deps.Notifications == nil {
		s.writeError(w, r, errNotifyOff())
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.deps.Notifications.Certificate().Raw}))
}

// serveNotifyStatus serves delivery state as JSON:
//
//	GET /_ossemu/notify/tasks/<TaskId>         the task's notification (404 if it published none)
//	GET /_ossemu/notify/topics/<topic>?limit=N the topic's latest messages, newest first
//
// A message for a topic nobody subscribes to shows here with state
// no-subscribers.
func (s *Server) serveNotifyStatus(w http.ResponseWriter, r *http.Request) {
	setOp(w, "GetNotifyStatus")
	if err := s.notifyStatus(w, r); err != nil {
		s.writeError(w, r, err)
	}
}

func (s *Server) notifyStatus(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return osserr.New(osserr.MethodNotAllowed, "%s is not allowed on %s; use GET", r.Method, r.URL.Path)
	}
	if s.deps.Notifications == nil {
		return errNotifyOff()
	}
	kind, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, NotifyPrefix+"/"), "/")
	switch {
	case kind == "tasks" && name != "":
		st, err := s.deps.Notifications.TaskStatus(r.Context(), name)
		if err != nil {
			return err
		}
		if st == nil {
			return osserr.New(osserr.NotificationNotFound, "task %s has published no notification (no notify stage, unknown, or not finished)", name)
		}
		return writeJSON(w, st)
	case kind == "topics" && name != "":
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit")) // out of range or absent: the default
		msgs, err := s.deps.Notifications.TopicMessages(r.Context(), name, limit)
		if err != nil {
			return err
		}
		return writeJSON(w, struct {
			Messages []notifier.MessageStatus `json:"Messages"`
			Topic    string                   `json:"Topic"`
		}{msgs, name})
	}
	return osserr.New(osserr.NotFound, "use %s/tasks/<TaskId> or %s/topics/<topic>", NotifyPrefix, NotifyPrefix)
}
