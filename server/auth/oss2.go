package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
)

// OSS2 is the signature version between V1 and V4 that the v1 Go SDK
// (AuthV2) and oss2 (AuthV2) still offer: V1's layout, HMAC-SHA256, the
// resource RFC 3986-escaped with '/' escaped too, every query parameter
// signed, and optional additional headers.

// verifyOSS2Header checks "OSS2 AccessKeyId:<ak>[,AdditionalHeaders:<a;b>],Signature:<b64>".
func (v *Verifier) verifyOSS2Header(r *http.Request, res Resource, q query, fields string) error {
	var id, additional, sig string
	for _, f := range strings.Split(fields, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(f), ":")
		switch strings.TrimSpace(k) {
		case "AccessKeyId":
			id = strings.TrimSpace(val)
		case "AdditionalHeaders":
			additional = strings.TrimSpace(val)
		case "Signature":
			sig = strings.TrimSpace(val)
		case "":
		default:
			return errBadAuthorization("unknown OSS2 field %q", k)
		}
	}
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
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return osserr.New(osserr.InvalidArgument, "x-oss-expires must be unix seconds, got %q.", exp)
	}
	if now := v.now(); now.Unix() > secs {
		return errExpired(unixTime(secs), now)
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
			h := hmac.New(sha256.New, []byte(v.cred.AccessKeySecret))
			h.Write([]byte(s))
			got := base64.StdEncoding.EncodeToString(h.Sum(nil))
			if subtle.ConstantTimeCompare([]byte(got), []byte(provided)) == 1 {
				return nil
			}
		}
	}
	return errMismatch(first, provided, "")
}
