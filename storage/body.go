package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ossemu/ossemu/osserr"
)

// BodyError turns a failure while streaming a client's body into the OSS
// error the client should see when the failure is the client's doing: a body
// over the server's limit is EntityTooLarge, a body cut short or a request
// cancelled mid-body is IncompleteBody. An *osserr.Error passes through
// unchanged. Anything else is the server's fault and is returned wrapped as
// "op: err", so it ends up a logged InternalError. Both backends share this so
// a client gets the same code whichever store is configured.
func BodyError(err error, op string) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return osserr.Wrap(osserr.EntityTooLarge, err, "the body exceeds the maximum allowed size of %d bytes", mbe.Limit)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return osserr.Wrap(osserr.IncompleteBody, err, "the request body ended before the announced length")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return osserr.Wrap(osserr.IncompleteBody, err, "the request was cancelled while the body was being received")
	}
	if _, ok := osserr.As(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}
