package osserr

import "errors"

// transientError marks a failure worth retrying (storage I/O, a full disk):
// running the task again later may succeed. Everything else a processor
// returns is permanent, because retrying bad media or an unsupported
// parameter only burns CPU and delays the failure notice.
type transientError struct{ err error }

func (e *transientError) Error() string { return "transient: " + e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// Transient wraps err so the task queue retries the task with backoff
// instead of failing it. Transient(nil) is nil. The wrapped error keeps its
// code: As and Is see through the mark.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &transientError{err: err}
}

// IsTransient reports whether err, or anything it wraps, was marked with
// Transient.
func IsTransient(err error) bool {
	var t *transientError
	return errors.As(err, &t)
}
