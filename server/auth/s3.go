package auth

import (
	"net/http"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// The S3 dialect: OSS accepts requests signed the AWS way (SigV4
// "AWS4-HMAC-SHA256" and SigV2 "AWS ak:sig", in the header or presigned in
// the query) with the same AccessKey pair, so aws-cli, boto3, rclone and the
// AWS SDKs work against it unchanged. The same skew and expiry rules as the
// OSS signatures apply.

// s3PresignKeys mark an S3 presigned URL: SigV4's X-Amz-* parameters and
// SigV2's AWSAccessKeyId (SigV2 shares Signature and Expires with OSS V1).
var s3PresignKeys = []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "AWSAccessKeyId"}

// S3Signed reports whether r is signed the AWS way (SigV4 or SigV2, header
// or presigned). The server answers such requests in the S3 dialect:
// x-amz-* headers and S3's XML conventions.
func S3Signed(r *http.Request) bool {
	scheme, _, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if scheme == algorithmS3V4 || scheme == "AWS" {
		return true
	}
	return parseQuery(r.URL.RawQuery).hasAny(s3PresignKeys...)
}

func errS3Malformed(format string, args ...any) *osserr.Error {
	return osserr.New(osserr.AuthorizationHeaderMalformed, "The authorization header is malformed; "+format, args...)
}

func errS3QueryMalformed(format string, args ...any) *osserr.Error {
	return osserr.New(osserr.AuthorizationQueryParametersError, format, args...)
}

// checkS3Key is checkKey with S3's wording and field name.
func (v *Verifier) checkS3Key(id string) error {
	if v.checkKey(id) != nil {
		return osserr.New(osserr.InvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.").
			With("AWSAccessKeyId", id)
	}
	return nil
}

// s3RequestTime is the time an S3 header-signed request claims:
// x-amz-date wins over Date, as on S3.
func s3RequestTime(h http.Header) (time.Time, string, error) {
	raw := h.Get("x-amz-date")
	if raw == "" {
		raw = h.Get("Date")
	}
	if raw == "" {
		return time.Time{}, "", osserr.New(osserr.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header.")
	}
	t, ok := parseTime(raw)
	if !ok {
		return time.Time{}, "", osserr.New(osserr.AccessDenied, "AWS authentication requires a valid Date or x-amz-date header; got %q.", raw)
	}
	return t, raw, nil
}

// errS3Mismatch is SignatureDoesNotMatch with the fields S3 reports.
func errS3Mismatch(id, stringToSign, provided, canonicalRequest string) *osserr.Error {
	return errMismatch(stringToSign, provided, canonicalRequest).With("AWSAccessKeyId", id)
}
