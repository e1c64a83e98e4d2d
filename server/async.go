package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/osserr"
)

// TaskService is what the async endpoint and the task API need from the task
// queue. (Stub: owned and filled in by the queue work.)
type TaskService interface{}

// asyncProcess answers POST /<key>?x-oss-async-process after authentication.
func (s *Server) asyncProcess(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	return osserr.New(osserr.NotImplemented, "asynchronous processing is not wired yet")
}

// syncProcess answers POST /<key>?x-oss-process.
func (s *Server) syncProcess(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	return osserr.New(osserr.NotImplemented, "synchronous processing is not supported")
}

// mountTasks adds the task API under /_ossemu/.
func (s *Server) mountTasks(r chi.Router) {}
