package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ossemu/ossemu/osserr"
)

// codes maps S3 error codes that mean the same thing on OSS. EntityTooSmall
// matters more than on OSS: S3 stores need 5 MiB parts where OSS accepts
// 100 KiB.
var codes = map[string]osserr.Code{
	"NoSuchBucket":            osserr.NoSuchBucket,
	"NoSuchKey":               osserr.NoSuchKey,
	"NoSuchUpload":            osserr.NoSuchUpload,
	"BucketNotEmpty":          osserr.BucketNotEmpty,
	"BucketAlreadyExists":     osserr.BucketAlreadyExists,
	"BucketAlreadyOwnedByYou": osserr.BucketAlreadyExists,
	"InvalidBucketName":       osserr.InvalidBucketName,
	"InvalidPart":             osserr.InvalidPart,
	"InvalidPartOrder":        osserr.InvalidPartOrder,
	"BadDigest":               osserr.BadDigest,
	"InvalidDigest":           osserr.InvalidDigest,
	"IncompleteBody":          osserr.IncompleteBody,
	"EntityTooLarge":          osserr.EntityTooLarge,
	"EntityTooSmall":          osserr.EntityTooSmall,
	"InvalidRange":            osserr.InvalidRange,
	"PreconditionFailed":      osserr.PreconditionFailed,
	"KeyTooLongError":         osserr.InvalidObjectName,
}

// posixKeyCodes are refusals of stores that keep keys as file paths
// (versitygw, MinIO): "a" beside "a/b", data in "dir/", "a//b".
var posixKeyCodes = map[string]bool{
	"ObjectParentIsFile": true, "DirectoryObjectContainsData": true, "ExistingObjectIsDirectory": true,
	"XMinioParentIsObject": true, "XMinioObjectExistsAsDirectory": true, "XMinioInvalidObjectName": true,
}

// retryable are S3 codes that say "try again later".
var retryable = map[string]bool{
	"SlowDown": true, "ServiceUnavailable": true, "InternalError": true,
	"RequestTimeout": true, "RequestTimeTooSkewed": true, "OperationAborted": true,
}

// mapErr turns an S3 SDK error into an *osserr.Error. Failures a later retry
// may cure (network, 5xx, throttling) are also marked osserr.Transient so a
// media task that met them is retried rather than failed. what names the
// operation and resource for the message.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if _, ok := osserr.As(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("s3 %s: %w", what, err)
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if posixKeyCodes[ae.ErrorCode()] {
			return osserr.Wrap(osserr.InvalidObjectName, err, "%s: the S3 store behind ossemu keeps keys as file paths and cannot hold this key beside existing ones (%s)", what, ae.ErrorCode())
		}
		if c, ok := codes[ae.ErrorCode()]; ok {
			return osserr.Wrap(c, err, "%s: %s", what, ae.ErrorMessage())
		}
		if retryable[ae.ErrorCode()] {
			return transient(err, what)
		}
	}
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		return transient(err, what) // no answer: network or store down
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		switch st := httpStatus(err); {
		case st == 0 || st >= 500 || st == http.StatusTooManyRequests:
			return transient(err, what)
		case st == http.StatusPreconditionFailed:
			return osserr.Wrap(osserr.PreconditionFailed, err, "%s: precondition failed", what)
		}
		// Anything else (403 on our credentials, 400s S3 raises that OSS
		// would not) is a fault of the backend setup: an InternalError the
		// client cannot fix by retrying.
		return osserr.Wrap(osserr.InternalError, err, "the S3 backend refused %s", what)
	}
	// No HTTP answer at all: the network or the store is down, which a
	// later attempt may find fixed.
	return transient(err, what)
}

func transient(err error, what string) error {
	return osserr.Transient(osserr.Wrap(osserr.InternalError, err, "the S3 backend failed %s; try again", what))
}

// httpStatus returns err's HTTP status, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// hasCode reports whether err carries an S3 error code we map.
func hasCode(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	_, ok := codes[ae.ErrorCode()]
	return ok
}
