// Package auth verifies OSS request signatures: V1 (HMAC-SHA1, "OSS ak:sig"),
// V4 (OSS4-HMAC-SHA256) and the older OSS2 (HMAC-SHA256), and the S3
// dialect's AWS SigV4 (AWS4-HMAC-SHA256) and SigV2 ("AWS ak:sig"), each in
// the Authorization header or presigned in the query string, against the
// emulator's single configured key pair.
//
// The official SDKs disagree in small ways (which query keys are signed
// sub-resources, Date versus x-oss-date, how an empty query value is
// written). A real OSS front end has one rule and every SDK happens to agree
// with it for the requests it actually sends; ossemu cannot know that rule
// for every parameter, so it computes the few plausible canonical forms and
// accepts the request when any of them matches. All forms are keyed with the
// secret, so no request gets in without it; the one cost (docs/auth.md) is
// that a sub-resource only some SDKs sign may be added to a V1-signed request.
// The verifier never reads the request body. An S3-signed request whose
// signature promises something about the body (a SHA-256, aws-chunked
// framing with chunk signatures, a checksum) gets its r.Body replaced by a
// reader that decodes and checks it as the handler streams it.
package auth

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// Credentials is the one access key pair the emulator accepts.
type Credentials struct{ AccessKeyID, AccessKeySecret string }

// Config configures a Verifier.
type Config struct {
	Credentials
	Region  string           // configured region, e.g. "cn-hangzhou"
	MaxSkew time.Duration    // default 15m when zero
	Now     func() time.Time // nil = time.Now
}

// DefaultMaxSkew is how far a header-signed request's Date may be from the
// server clock, as on OSS.
const DefaultMaxSkew = 15 * time.Minute

// maxPresignV4 is the longest validity a V4 presigned URL may ask for (seven
// days, the limit the v2 SDK enforces client-side too).
const maxPresignV4 = 7 * 24 * time.Hour

// Verifier checks signatures. It is immutable and safe for concurrent use.
type Verifier struct {
	cred    Credentials
	region  string
	maxSkew time.Duration
	now     func() time.Time
}

// New builds a Verifier, filling defaults for zero fields.
func New(cfg Config) *Verifier {
	v := &Verifier{cred: cfg.Credentials, region: cfg.Region, maxSkew: cfg.MaxSkew, now: cfg.Now}
	if v.maxSkew <= 0 {
		v.maxSkew = DefaultMaxSkew
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v
}

// Resource is what the router resolved: Bucket "" for service calls, Key ""
// for bucket calls. Key is the decoded key.
type Resource struct{ Bucket, Key string }

// Verify checks an OSS (V1, OSS2, V4) or S3 (SigV2, SigV4) signature, in
// the Authorization header or presigned in the query. It returns nil for a
// valid request and an *osserr.Error otherwise. It never reads the request
// body; for S3 signatures it may replace r.Body (and set r.ContentLength to
// the decoded length of an aws-chunked body), see attachS3Payload.
func (v *Verifier) Verify(r *http.Request, res Resource) error {
	q := parseQuery(r.URL.RawQuery)
	authz := strings.TrimSpace(r.Header.Get("Authorization"))
	presigned := q.hasAny(presignKeys...)
	switch {
	case authz == "" && !presigned:
		return errAnonymous()
	case authz != "" && presigned:
		return osserr.New(osserr.InvalidArgument, "Only one auth mechanism allowed; only the X-OSS-Signature or the Authorization header should be specified.")
	case authz != "":
		return v.verifyHeader(r, res, q, authz)
	default:
		return v.verifyQuery(r, res, q)
	}
}

// presignKeys are the query parameters that mark a presigned URL.
var presignKeys = []string{
	"OSSAccessKeyId", "Signature",
	"x-oss-signature", "x-oss-credential", "x-oss-signature-version", "x-oss-access-key-id",
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "AWSAccessKeyId",
}

// Anonymous reports whether r carries no credentials at all (no
// Authorization header, no presign query).
func Anonymous(r *http.Request) bool {
	if strings.TrimSpace(r.Header.Get("Authorization")) != "" {
		return false
	}
	return !parseQuery(r.URL.RawQuery).hasAny(presignKeys...)
}

// verifyHeader dispatches on the Authorization scheme.
func (v *Verifier) verifyHeader(r *http.Request, res Resource, q query, authz string) error {
	scheme, rest, _ := strings.Cut(authz, " ")
	switch scheme {
	case "OSS":
		return v.verifyV1Header(r, res, q, strings.TrimSpace(rest))
	case algorithmV4:
		return v.verifyV4Header(r, res, q, strings.TrimSpace(rest))
	case "OSS2":
		return v.verifyOSS2Header(r, res, q, strings.TrimSpace(rest))
	case algorithmS3V4:
		return v.verifyS3V4Header(r, q, strings.TrimSpace(rest))
	case "AWS":
		return v.verifyS3V2Header(r, res, q, strings.TrimSpace(rest))
	default:
		return errBadAuthorization("unknown authorization scheme %q", scheme)
	}
}

// verifyQuery dispatches presigned URLs on their signature version.
func (v *Verifier) verifyQuery(r *http.Request, res Resource, q query) error {
	version, hasVersion := q.get("x-oss-signature-version")
	switch {
	case q.hasAny("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"):
		return v.verifyS3V4Query(r, q)
	case q.hasAny("AWSAccessKeyId"):
		return v.verifyS3V2Query(r, res, q)
	case hasVersion && version == algorithmV4:
		return v.verifyV4Query(r, res, q)
	case hasVersion && version == "OSS2":
		return v.verifyOSS2Query(r, res, q)
	case hasVersion:
		return osserr.New(osserr.InvalidArgument, "Unsupported x-oss-signature-version %q.", version)
	case q.hasAny("x-oss-credential", "x-oss-signature"):
		return osserr.New(osserr.InvalidArgument, "Presigned V4 URL lacks x-oss-signature-version=OSS4-HMAC-SHA256.")
	default:
		return v.verifyV1Query(r, res, q)
	}
}

// checkKey reports InvalidAccessKeyId for any id but the configured one.
func (v *Verifier) checkKey(id string) error {
	if id == "" || subtle.ConstantTimeCompare([]byte(id), []byte(v.cred.AccessKeyID)) != 1 {
		return osserr.New(osserr.InvalidAccessKeyID, "The OSS Access Key Id you provided does not exist in our records.").
			With("OSSAccessKeyId", id)
	}
	return nil
}

// VerifyBasic checks HTTP Basic auth (user = access key id, password =
// secret). The emulator's task API uses it so `curl -u id:secret` works.
func (v *Verifier) VerifyBasic(r *http.Request) error {
	id, secret, ok := r.BasicAuth()
	if !ok {
		if Anonymous(r) {
			return errAnonymous()
		}
		return errBadAuthorization("expected HTTP Basic credentials (access key id and secret)")
	}
	if err := v.checkKey(id); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(v.cred.AccessKeySecret)) != 1 {
		return osserr.New(osserr.SignatureDoesNotMatch, "The access key secret you provided does not match the access key id.")
	}
	return nil
}
