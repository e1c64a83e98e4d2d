package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// OSS2 is the signature version between V1 and V4 that the v1 Go SDK
// (AuthV2) and oss2 (AuthV2) still offer: V1's layout, HMAC-SHA256, the
// resource RFC 3986-escaped with '/' escaped too, every query parameter
// signed, and optional additional headers.

// verifyOSS2Header checks "OSS2 AccessKeyId:<ak>[,AdditionalHeaders:<a;b>],Signature:<b64>".
func (v *Verifier) verifyOSS2Header(r *http.Request, res Resource, q query, fields string) error {
	f, err := authFields(fields, ":", func(format string, args ...any) *osserr.Error {
		return errBadAuthorization("OSS2 "+format, args...)
	}, "AccessKeyId", "AdditionalHeaders", "Signature")
	if err != nil {
		return err
	}
	id, additional, sig := f["AccessKeyId"], f["AdditionalHeaders"], f["Signature"]
	if id == "" || sig == "" {
		return errBadAuthorization("OSS2 needs AccessKeyId and Signature")
	}
	if err := v.checkKey(id); err != nil {
		return err
	}
	if err := v.checkSkew(r.Header); err != nil {
		return err
	}
	return v.matchOSS2(r, res, q, headerDates(r.Header), splitAdditional(additional), sig, "")
}

// verifyOSS2Query checks an OSS2 presigned URL: x-oss-access-key-id,
// x-oss-expires (absolute unix seconds, in the DATE slot), x-oss-signature.
func (v *Verifier) verifyOSS2Query(r *http.Request, res Resource, q query) error {
	id, okID := q.get("x-oss-access-key-id")
	exp, okExp := q.get("x-oss-expires")
	sig, okSig := q.get("x-oss-signature")
	if !okID || !okExp || !okSig || sig == "" {
		return osserr.New(osserr.InvalidArgument,
			"OSS2 presigned URLs require x-oss-access-key-id, x-oss-expires and x-oss-signature.")
	}
	if err := v.checkKey(id); err != nil {
		return err
	}
	if err := v.checkUnixExpiry("x-oss-expires", exp); err != nil {
		return err
	}
	additional, _ := q.get("x-oss-additional-headers")
	sig = strings.ReplaceAll(sig, " ", "+")
	return v.matchOSS2(r, res, q, []string{exp}, splitAdditional(additional), sig, "x-oss-signature")
}

// matchOSS2 tries the plausible OSS2 strings to sign.
func (v *Verifier) matchOSS2(r *http.Request, res Resource, q query, dates, additional []string, provided, skipKey string) error {
	head := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n"
	tail := canonicalHeaders(r, additional, false) + strings.Join(additional, ";") + "\n"
	resource := "%2F"
	if res.Bucket != "" {
		resource = escapeV4("/"+res.Bucket+"/"+res.Key, false)
	}
	first := ""
	for _, qs := range canonicalQueriesV4(q, skipKey) {
		rs := resource
		if qs != "" {
			rs += "?" + qs
		}
		for _, date := range dates {
			s := head + date + "\n" + tail + rs
			if first == "" {
				first = s
			}
			got := base64.StdEncoding.EncodeToString(hmacSHA256([]byte(v.cred.AccessKeySecret), s))
			if subtle.ConstantTimeCompare([]byte(got), []byte(provided)) == 1 {
				return nil
			}
		}
	}
	return errMismatch(first, provided, "")
}
