package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

const (
	algorithmS3V4 = "AWS4-HMAC-SHA256"
	terminatorS3  = "aws4_request"
	// maxPresignS3 is the longest X-Amz-Expires S3 accepts (seven days).
	maxPresignS3 = 7 * 24 * time.Hour
)

// s3Sig is what a SigV4 request claims: the credential scope, the
// timestamp it signed (verbatim), the signed header names in the order
// sent, and the signature.
type s3Sig struct {
	scope     scope
	timestamp string
	signed    []string
	provided  string
}

// parseS3Credential parses "<ak>/<yyyymmdd>/<region>/<service>/aws4_request".
// As for OSS V4, region and service are taken as sent: clients default to
// us-east-1 and "s3", and the signature still proves the secret.
func parseS3Credential(c string, malformed func(string, ...any) *osserr.Error) (scope, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[4] != terminatorS3 || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return scope{}, malformed("the Credential %q is not <AccessKeyId>/<yyyymmdd>/<region>/<service>/aws4_request.", c)
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil || len(parts[1]) != 8 {
		return scope{}, malformed("invalid credential date %q; expected yyyymmdd.", parts[1])
	}
	return scope{id: parts[0], date: parts[1], region: parts[2], product: parts[3], term: terminatorS3}, nil
}

// s3CredentialScope parses a SigV4 credential and checks its AccessKeyId.
func (v *Verifier) s3CredentialScope(cred string, malformed func(string, ...any) *osserr.Error) (scope, error) {
	sc, err := parseS3Credential(cred, malformed)
	if err != nil {
		return scope{}, err
	}
	return sc, v.checkS3Key(sc.id)
}

// splitSignedHeaders parses "host;x-amz-date" into lower-case names.
func splitSignedHeaders(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ";") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// verifyS3V4Header checks "Authorization: AWS4-HMAC-SHA256 Credential=…,
// SignedHeaders=…, Signature=…" and then arranges for the body to be
// checked against x-amz-content-sha256 while it streams.
func (v *Verifier) verifyS3V4Header(r *http.Request, q query, fields string) error {
	f, err := authFields(fields, "=", errS3Malformed, "Credential", "SignedHeaders", "Signature")
	if err != nil {
		return err
	}
	cred, signed, sig := f["Credential"], f["SignedHeaders"], f["Signature"]
	if cred == "" || signed == "" || sig == "" {
		return errS3Malformed("AWS4-HMAC-SHA256 needs Credential, SignedHeaders and Signature.")
	}
	sc, err := v.s3CredentialScope(cred, errS3Malformed)
	if err != nil {
		return err
	}
	t, raw, err := s3RequestTime(r.Header)
	if err != nil {
		return err
	}
	timestamp := raw
	if r.Header.Get("x-amz-date") == "" {
		timestamp = t.UTC().Format(iso8601Basic)
	}
	if !strings.HasPrefix(timestamp, sc.date) {
		return errS3Malformed("invalid credential date %q: it is not the date of x-amz-date %q.", sc.date, timestamp)
	}
	if err := v.checkTimeSkew(t); err != nil {
		return err
	}
	payload := strings.TrimSpace(r.Header.Get("x-amz-content-sha256"))
	if payload == "" {
		return osserr.New(osserr.InvalidRequest, "Missing required header for this request: x-amz-content-sha256.")
	}
	if !validPayloadHash(payload) {
		return osserr.New(osserr.InvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value or the hex SHA-256 of the body, got %q.", payload)
	}
	s := s3Sig{scope: sc, timestamp: timestamp, signed: splitSignedHeaders(signed), provided: strings.ToLower(sig)}
	if err := v.matchS3V4(r, q, s, payload, ""); err != nil {
		return err
	}
	return v.attachS3Payload(r, payload, s)
}

// verifyS3V4Query checks a SigV4 presigned URL. Its payload is unsigned
// unless the URL carries X-Amz-Content-Sha256.
func (v *Verifier) verifyS3V4Query(r *http.Request, q query) error {
	alg, _ := q.get("X-Amz-Algorithm")
	cred, ok1 := q.get("X-Amz-Credential")
	date, ok2 := q.get("X-Amz-Date")
	expires, ok3 := q.get("X-Amz-Expires")
	signed, ok4 := q.get("X-Amz-SignedHeaders")
	sig, ok5 := q.get("X-Amz-Signature")
	if alg != algorithmS3V4 {
		return errS3QueryMalformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", got %q.", alg)
	}
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || sig == "" {
		return errS3QueryMalformed("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
	}
	sc, err := v.s3CredentialScope(cred, errS3QueryMalformed)
	if err != nil {
		return err
	}
	t, err := time.Parse(iso8601Basic, date)
	if err != nil || !strings.HasPrefix(date, sc.date) {
		return errS3QueryMalformed("X-Amz-Date %q must be yyyymmddThhmmssZ on the credential's date %s.", date, sc.date)
	}
	secs, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || secs <= 0 || secs > int64(maxPresignS3/time.Second) {
		return errS3QueryMalformed("X-Amz-Expires must be 1 to %d seconds, got %q.", int64(maxPresignS3/time.Second), expires)
	}
	now := v.now()
	if deadline := t.Add(time.Duration(secs) * time.Second); now.After(deadline) {
		return errExpired(deadline, now).With("X-Amz-Expires", expires)
	}
	if t.After(now.Add(v.maxSkew)) {
		return osserr.New(osserr.AccessDenied, "Request is not valid yet: X-Amz-Date %s is in the future.", date)
	}
	payload := unsignedPayload
	if h, ok := q.get("X-Amz-Content-Sha256"); ok && validPayloadHash(h) {
		payload = h
	}
	s := s3Sig{scope: sc, timestamp: date, signed: splitSignedHeaders(signed), provided: strings.ToLower(sig)}
	if err := v.matchS3V4(r, q, s, payload, "X-Amz-Signature"); err != nil {
		return err
	}
	return v.attachS3Payload(r, payload, s)
}

// matchS3V4 builds the canonical request in each plausible form (see
// canonicalURIsS3 and canonicalQueriesS3) and accepts the request when one
// of them yields the provided signature.
func (v *Verifier) matchS3V4(r *http.Request, q query, s s3Sig, payload, skipKey string) error {
	key := signingKeyS3(v.cred.AccessKeySecret, s.scope)
	tail := "\n" + canonicalHeadersS3(r, s.signed) + "\n" + strings.Join(s.signed, ";") + "\n" + payload
	var firstCR, firstSTS string
	for _, uri := range canonicalURIsS3(r) {
		for _, qs := range canonicalQueriesS3(q, skipKey) {
			cr := r.Method + "\n" + uri + "\n" + qs + tail
			sts := stringToSignS3(s, cr)
			if firstCR == "" {
				firstCR, firstSTS = cr, sts
			}
			got := hex.EncodeToString(hmacSHA256(key, sts))
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.provided)) == 1 {
				return nil
			}
		}
	}
	return errS3Mismatch(s.scope.id, firstSTS, s.provided, firstCR)
}

func stringToSignS3(s s3Sig, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return algorithmS3V4 + "\n" + s.timestamp + "\n" + s.scope.String() + "\n" + hex.EncodeToString(sum[:])
}

// signingKeyS3 is the HMAC-SHA256 chain "AWS4"+secret → date → region →
// service → "aws4_request".
func signingKeyS3(secret string, sc scope) []byte { return deriveKey("AWS4"+secret, sc) }

// validPayloadHash accepts the x-amz-content-sha256 values S3 knows.
func validPayloadHash(p string) bool {
	switch p {
	case unsignedPayload, streamingSigned, streamingSignedTrailer, streamingUnsignedTrailer:
		return true
	}
	if len(p) != 64 {
		return false
	}
	_, err := hex.DecodeString(p)
	return err == nil
}
