package auth

import (
	"crypto/hmac"
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
	algorithmV4     = "OSS4-HMAC-SHA256"
	terminatorV4    = "aliyun_v4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// scope is the parsed credential "<ak>/<yyyymmdd>/<region>/<product>/aliyun_v4_request".
// The region and product are taken as the client sent them, not checked
// against the configured region: SDKs derive the region from the endpoint
// or their own option, and an emulator reached on 127.0.0.1 should not
// refuse a client over a region name. The key chain uses the sent values,
// so the signature still proves knowledge of the secret.
type scope struct{ id, date, region, product, term string }

func (s scope) String() string {
	return s.date + "/" + s.region + "/" + s.product + "/" + s.term
}

func parseCredential(c string) (scope, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[4] != terminatorV4 || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return scope{}, osserr.New(osserr.InvalidArgument,
			"Invalid credential %q; expected <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.", c)
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil || len(parts[1]) != 8 {
		return scope{}, osserr.New(osserr.InvalidArgument, "Invalid date %q in credential; expected yyyymmdd.", parts[1])
	}
	return scope{id: parts[0], date: parts[1], region: parts[2], product: parts[3], term: terminatorV4}, nil
}

// credentialScope parses a V4 credential and checks its AccessKeyId.
func (v *Verifier) credentialScope(cred string) (scope, error) {
	sc, err := parseCredential(cred)
	if err != nil {
		return scope{}, err
	}
	return sc, v.checkKey(sc.id)
}

// verifyV4Header checks "Authorization: OSS4-HMAC-SHA256 Credential=…,
// [AdditionalHeaders=…,]Signature=…".
func (v *Verifier) verifyV4Header(r *http.Request, res Resource, q query, fields string) error {
	f, err := authFields(fields, "=", errBadAuthorization, "Credential", "AdditionalHeaders", "Signature")
	if err != nil {
		return err
	}
	cred, additional, sig := f["Credential"], f["AdditionalHeaders"], f["Signature"]
	if cred == "" || sig == "" {
		return errBadAuthorization("OSS4-HMAC-SHA256 needs Credential and Signature")
	}
	sc, err := v.credentialScope(cred)
	if err != nil {
		return err
	}
	// The v1 SDK in V4 mode sends no x-oss-date and signs the RFC 1123 Date
	// verbatim as the timestamp.
	timestamp := r.Header.Get("x-oss-date")
	if timestamp == "" {
		timestamp = r.Header.Get("Date")
	}
	if timestamp == "" {
		return errMissingDate()
	}
	if err := v.checkSkew(r.Header); err != nil {
		return err
	}
	signed, ok := parseTime(timestamp)
	if !ok {
		return errMissingDate()
	}
	if err := checkScopeDate(sc, signed, timestamp); err != nil {
		return err
	}
	return v.matchV4(r, res, q, sc, timestamp, splitAdditional(additional), sig, "")
}

// checkScopeDate refuses a credential whose date is not the UTC date of the
// timestamp the request was signed at, as OSS does: a signing key derived
// for one day must not sign requests of another. (The region, by contrast,
// is taken as sent; see scope.)
func checkScopeDate(sc scope, signed time.Time, timestamp string) error {
	if day := signed.UTC().Format("20060102"); day != sc.date {
		return osserr.New(osserr.InvalidArgument,
			"Invalid credential date %q: the request is signed at %s, so the credential date must be %s.", sc.date, timestamp, day)
	}
	return nil
}

// verifyV4Query checks a V4 presigned URL.
func (v *Verifier) verifyV4Query(r *http.Request, res Resource, q query) error {
	cred, ok1 := q.get("x-oss-credential")
	date, ok2 := q.get("x-oss-date")
	expires, ok3 := q.get("x-oss-expires")
	sig, ok4 := q.get("x-oss-signature")
	if !ok1 || !ok2 || !ok3 || !ok4 || sig == "" {
		return osserr.New(osserr.InvalidArgument,
			"Presigned V4 URLs require x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature.")
	}
	sc, err := v.credentialScope(cred)
	if err != nil {
		return err
	}
	signed, err := time.Parse(iso8601Basic, date)
	if err != nil {
		return osserr.New(osserr.InvalidArgument, "Invalid x-oss-date %q; expected yyyymmddThhmmssZ.", date)
	}
	secs, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || secs <= 0 || secs > int64(maxPresignV4/time.Second) {
		return osserr.New(osserr.InvalidArgument, "x-oss-expires must be 1 to %d seconds, got %q.", int64(maxPresignV4/time.Second), expires)
	}
	now := v.now()
	if deadline := signed.Add(time.Duration(secs) * time.Second); now.After(deadline) {
		return errExpired(deadline, now)
	}
	if signed.After(now.Add(v.maxSkew)) {
		return osserr.New(osserr.AccessDenied, "Request is not valid yet: x-oss-date %s is in the future.", date)
	}
	if err := checkScopeDate(sc, signed, date); err != nil {
		return err
	}
	additional, _ := q.get("x-oss-additional-headers")
	return v.matchV4(r, res, q, sc, date, splitAdditional(additional), sig, "x-oss-signature")
}

// splitAdditional parses "a;b" into lower-case header names, in the order
// sent (they are part of the canonical request verbatim).
func splitAdditional(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ";") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// matchV4 tries every plausible canonical query (see canonicalQueriesV4)
// and accepts the request when one of them yields provided.
func (v *Verifier) matchV4(r *http.Request, res Resource, q query, sc scope, timestamp string, additional []string, provided, skipKey string) error {
	key := signingKeyV4(v.cred.AccessKeySecret, sc)
	payload := r.Header.Get("x-oss-content-sha256")
	if payload == "" {
		payload = unsignedPayload
	}
	head := r.Method + "\n" + canonicalURIV4(res) + "\n"
	tail := "\n" + canonicalHeadersV4(r, additional) + "\n" + strings.Join(additional, ";") + "\n" + payload
	want := strings.ToLower(provided)
	var firstCR, firstSTS string
	for _, qs := range canonicalQueriesV4(q, skipKey) {
		cr := head + qs + tail
		sum := sha256.Sum256([]byte(cr))
		sts := algorithmV4 + "\n" + timestamp + "\n" + sc.String() + "\n" + hex.EncodeToString(sum[:])
		if firstCR == "" {
			firstCR, firstSTS = cr, sts
		}
		got := hex.EncodeToString(hmacSHA256(key, sts))
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
			return nil
		}
	}
	return errMismatch(firstSTS, provided, firstCR)
}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// signingKeyV4 is the HMAC-SHA256 chain "aliyun_v4"+secret → date → region
// → product → "aliyun_v4_request".
func signingKeyV4(secret string, sc scope) []byte { return deriveKey("aliyun_v4"+secret, sc) }

// deriveKey is the V4 key chain both OSS and S3 use: HMAC-SHA256 from seed
// through the scope's date, region, product (service) and terminator.
func deriveKey(seed string, sc scope) []byte {
	k := hmacSHA256([]byte(seed), sc.date)
	k = hmacSHA256(k, sc.region)
	k = hmacSHA256(k, sc.product)
	return hmacSHA256(k, sc.term)
}
