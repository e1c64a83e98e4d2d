package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
)

// apiError is the data API's error body: OSS-style code and message, as
// JSON because the console's script is its only reader.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func apiErr(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// api adapts a handler returning a value (written as JSON) or an error.
// Errors keep their OSS code and HTTP status; anything unknown is logged
// and answered as InternalError.
func (c *Console) api(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		if err == nil {
			writeJSON(w, http.StatusOK, v)
			return
		}
		status, body := c.errorBody(r, err)
		writeJSON(w, status, body)
	}
}

// errorBody maps err to a status and body.
func (c *Console) errorBody(r *http.Request, err error) (int, *apiError) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status, ae
	}
	if e, ok := osserr.As(err); ok {
		return e.Code.Status, &apiError{Code: e.Code.Name, Message: e.Message}
	}
	if errors.Is(err, queue.ErrNotFound) {
		return http.StatusNotFound, &apiError{Code: "ResourceNotFound", Message: "The specified task does not exist."}
	}
	if r.Context().Err() == nil {
		c.cfg.Logger.Error("console: API error", "path", r.URL.Path, "err", err)
	}
	return http.StatusInternalServerError, &apiError{Code: "InternalError", Message: err.Error()}
}

// writeJSON writes v with status; a *apiError is written as its body.
func writeJSON[T any](w http.ResponseWriter, status int, v T) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
