package storage

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// BodyError turns a failure while streaming a client's body into the OSS
// error the client should see when the failure is the client's doing: a body
// over the server's limit is EntityTooLarge, a body cut short or a request
// cancelled mid-body is IncompleteBody, a body that stopped arriving (the
// connection's read deadline passed) is RequestTimeout. An *osserr.Error passes through
// unchanged. Anything else is the server's fault and is returned wrapped as
// "op: err", so it ends up a logged InternalError. Both backends share this so
// a client gets the same code whichever store is configured.
func BodyError(err error, op string) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return osserr.Wrap(osserr.EntityTooLarge, err, "the body exceeds the maximum allowed size of %d bytes", mbe.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return osserr.Wrap(osserr.RequestTimeout, err, "the request body stopped arriving: %v", err)
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

// CheckBody compares a received body with what the request announced: n
// bytes read against opts.Size (IncompleteBody, unless Size is negative) and
// sum, the body's MD5, against opts.ContentMD5 (BadDigest, when set). Both
// backends call it after streaming, so the checks and their messages are
// the same everywhere.
func CheckBody(n int64, sum []byte, opts PutOptions) error {
	if opts.Size >= 0 && n != opts.Size {
		return osserr.New(osserr.IncompleteBody, "the body has %d bytes but %d were announced", n, opts.Size)
	}
	if opts.ContentMD5 != nil && !bytes.Equal(opts.ContentMD5, sum) {
		return osserr.New(osserr.BadDigest, "the Content-MD5 you specified did not match what was received")
	}
	return nil
}

// ETag formats an MD5 digest as OSS's ETag (upper-case hex, no quotes).
func ETag(sum []byte) string { return strings.ToUpper(hex.EncodeToString(sum)) }
