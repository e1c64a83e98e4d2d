// Package osserr defines the one error type that crosses the wire: an OSS
// error code that knows its HTTP status and EC, plus a human message. Every
// package that can refuse a request (parser, storage, server, queue, engines)
// returns these; the server writes them as OSS error XML in one place.
package osserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is an OSS error code with its HTTP status and EC (error-centre id).
type Code struct {
	Name   string
	Status int
	EC     string
}

// The codes ossemu answers with. The ECs are the ones real OSS sends for
// these codes where it is known (AccessDenied 0003-00000001,
// SignatureDoesNotMatch 0002-00000040, NoSuchKey 0026-00000001, NoSuchBucket
// 0015-00000101, MissingArgument 0016-00000502, …); the rest use the generic
// EC of their class.
var (
	AccessDenied          = Code{"AccessDenied", http.StatusForbidden, "0003-00000001"}
	SignatureDoesNotMatch = Code{"SignatureDoesNotMatch", http.StatusForbidden, "0002-00000040"}
	InvalidAccessKeyID    = Code{"InvalidAccessKeyId", http.StatusForbidden, "0002-00000901"}
	RequestTimeTooSkewed  = Code{"RequestTimeTooSkewed", http.StatusForbidden, "0002-00000504"}
	NoSuchKey             = Code{"NoSuchKey", http.StatusNotFound, "0026-00000001"}
	NoSuchBucket          = Code{"NoSuchBucket", http.StatusNotFound, "0015-00000101"}
	NoSuchUpload          = Code{"NoSuchUpload", http.StatusNotFound, "0042-00000002"}
	InvalidArgument       = Code{"InvalidArgument", http.StatusBadRequest, "0016-00000001"}
	MissingArgument       = Code{"MissingArgument", http.StatusBadRequest, "0016-00000502"}
	InvalidRequest        = Code{"InvalidRequest", http.StatusBadRequest, "0016-00000001"}
	InvalidBucketName     = Code{"InvalidBucketName", http.StatusBadRequest, "0015-00000001"}
	InvalidObjectName     = Code{"InvalidObjectName", http.StatusBadRequest, "0016-00000005"}
	InvalidDigest         = Code{"InvalidDigest", http.StatusBadRequest, "0016-00000401"}
	BadDigest             = Code{"BadDigest", http.StatusBadRequest, "0016-00000402"}
	IncompleteBody        = Code{"IncompleteBody", http.StatusBadRequest, "0016-00000403"}
	MalformedXML          = Code{"MalformedXML", http.StatusBadRequest, "0016-00000404"}
	InvalidPart           = Code{"InvalidPart", http.StatusBadRequest, "0042-00000003"}
	InvalidPartOrder      = Code{"InvalidPartOrder", http.StatusBadRequest, "0042-00000004"}
	EntityTooLarge        = Code{"EntityTooLarge", http.StatusBadRequest, "0016-00000406"}
	InvalidRange          = Code{"InvalidRange", http.StatusRequestedRangeNotSatisfiable, "0017-00000001"}
	PreconditionFailed    = Code{"PreconditionFailed", http.StatusPreconditionFailed, "0017-00000002"}
	NotModified           = Code{"NotModified", http.StatusNotModified, "0017-00000003"}
	BucketAlreadyExists   = Code{"BucketAlreadyExists", http.StatusConflict, "0015-00000104"}
	BucketNotEmpty        = Code{"BucketNotEmpty", http.StatusConflict, "0015-00000301"}
	MethodNotAllowed      = Code{"MethodNotAllowed", http.StatusMethodNotAllowed, "0016-00000101"}
	NotImplemented        = Code{"NotImplemented", http.StatusNotImplemented, "0016-00000102"}
	InternalError         = Code{"InternalError", http.StatusInternalServerError, "0000-00000001"}
	// EntityTooSmall refuses a multipart part, other than the last, below
	// the store's minimum part size.
	EntityTooSmall = Code{"EntityTooSmall", http.StatusBadRequest, "0042-00000005"}
	// FileAlreadyExists answers x-oss-forbid-overwrite on an existing key.
	FileAlreadyExists = Code{"FileAlreadyExists", http.StatusConflict, "0026-00000009"}
	// PositionNotEqualToLength refuses an append whose position is not the
	// object's current length; ObjectNotAppendable one to an object that
	// AppendObject did not create.
	PositionNotEqualToLength = Code{"PositionNotEqualToLength", http.StatusConflict, "0026-00000016"}
	ObjectNotAppendable      = Code{"ObjectNotAppendable", http.StatusConflict, "0026-00000015"}
	// ResourceNotFound is IMM's answer for an unknown task (the task API).
	ResourceNotFound = Code{"ResourceNotFound", http.StatusNotFound, "0050-00000404"}
	// NotificationNotFound and NotFound answer the emulator's notification
	// status endpoints (its own; IMM's not-found EC, as ResourceNotFound).
	NotificationNotFound = Code{"NotificationNotFound", http.StatusNotFound, "0050-00000404"}
	NotFound             = Code{"NotFound", http.StatusNotFound, "0050-00000404"}
	// BasicRequired answers an emulator endpoint that takes only HTTP Basic
	// when it is called without valid credentials: AccessDenied with 401,
	// so clients such as curl and browsers retry with the credentials they
	// hold.
	BasicRequired = Code{"AccessDenied", http.StatusUnauthorized, "0003-00000001"}
	// The S3 dialect's signature and payload errors (AWS-signed requests):
	// a malformed SigV4 Authorization header or presigned query, and a body
	// whose SHA-256 is not the signed x-amz-content-sha256.
	AuthorizationHeaderMalformed      = Code{"AuthorizationHeaderMalformed", http.StatusBadRequest, "0002-00000001"}
	AuthorizationQueryParametersError = Code{"AuthorizationQueryParametersError", http.StatusBadRequest, "0002-00000001"}
	XAmzContentSHA256Mismatch         = Code{"XAmzContentSHA256Mismatch", http.StatusBadRequest, "0016-00000402"}
	// RequestTimeout answers a request whose body stopped arriving (or
	// arrived below the minimum rate); the connection is closed after it.
	RequestTimeout = Code{"RequestTimeout", http.StatusBadRequest, "0016-00000001"}
	// Media processing failures recorded on tasks (never sent synchronously).
	InvalidMedia = Code{"InvalidMedia", http.StatusBadRequest, "0050-00000001"}
)

// Error is an OSS error: a code, a message, and optional extra XML fields
// (StringToSign, SignatureProvided, …) written in order after EC.
type Error struct {
	Code    Code
	Message string
	Extra   []Field
	cause   error
}

// Field is one extra element of the error XML.
type Field struct {
	Name, Value string
}

func (e *Error) Error() string { return e.Code.Name + ": " + e.Message }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// New builds an Error with a formatted message.
func New(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// Wrap builds an Error that keeps cause for errors.Is/As and logging.
func Wrap(c Code, cause error, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...), cause: cause}
}

// With returns a copy of e with an extra XML field appended.
func (e *Error) With(name, value string) *Error {
	c := *e
	c.Extra = append(append([]Field(nil), e.Extra...), Field{name, value})
	return &c
}

// As extracts the *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries code c.
func Is(err error, c Code) bool {
	e, ok := As(err)
	return ok && e.Code.Name == c.Name
}
