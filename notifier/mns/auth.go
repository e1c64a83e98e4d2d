package mns

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"time"
)

// StringToSign is what an MNS client signs: VERB, Content-MD5, Content-Type,
// Date, the x-mns-* headers as sorted lower-case "name:value" lines, and the
// resource (the request URI: path and query as sent).
func StringToSign(method string, h http.Header, resource string) string {
	var mns []string
	for k, vs := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-mns-") && len(vs) > 0 {
			mns = append(mns, lk+":"+strings.TrimSpace(strings.Join(vs, ",")))
		}
	}
	sort.Strings(mns)
	return method + "\n" + h.Get("Content-MD5") + "\n" + h.Get("Content-Type") + "\n" + h.Get("Date") + "\n" +
		strings.Join(mns, "\n") + "\n" + resource
}

// Sign is base64(HMAC-SHA1(secret, stringToSign)), the MNS request signature.
func Sign(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// authenticate checks `Authorization: MNS <ak>:<signature>` (or the V4
// form, authv4.go) against the emulator's key pair and the Date skew. It
// needs no body: the signature covers the headers (Content-MD5 among them)
// and the resource, so a request is refused before its body is read;
// checkContentMD5 then ties the body to the signed Content-MD5.
func (s *Server) authenticate(r *http.Request) error {
	authz := strings.TrimSpace(r.Header.Get("Authorization"))
	if authz == "" {
		return &Error{Code: "MissingAuthorizationHeader", Status: http.StatusForbidden, Message: "The Authorization header is missing."}
	}
	if rest, ok := strings.CutPrefix(authz, V4Scheme+" "); ok {
		return s.authenticateV4(r, rest)
	}
	cred, ok := strings.CutPrefix(authz, "MNS ")
	ak, sig, ok2 := strings.Cut(strings.TrimSpace(cred), ":")
	if !ok || !ok2 || ak == "" || sig == "" {
		return &Error{Code: "InvalidAuthorizationHeader", Status: http.StatusForbidden, Message: "The Authorization header must be \"MNS <AccessKeyId>:<Signature>\"."}
	}
	if ak != s.cfg.AccessKeyID {
		return &Error{Code: "InvalidAccessKeyId", Status: http.StatusForbidden, Message: "The AccessKeyId " + ak + " is not the emulator's."}
	}
	if _, err := s.requestTime(r); err != nil {
		return err
	}
	// The resource is the request URI exactly as sent; a client may also
	// have signed the decoded path, so both are tried (both keyed with the
	// secret, so this widens compatibility without admitting a forgery).
	candidates := []string{r.RequestURI, r.URL.Path}
	if r.URL.RawQuery != "" {
		candidates[1] += "?" + r.URL.RawQuery
	}
	var expected string
	for _, res := range candidates {
		if res == "" {
			continue
		}
		expected = StringToSign(r.Method, r.Header, res)
		if subtle.ConstantTimeCompare([]byte(Sign(s.cfg.AccessKeySecret, expected)), []byte(sig)) == 1 {
			return nil
		}
	}
	return &Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
		Message: "The request signature we calculated does not match the signature you provided. String to sign: " + strings.ReplaceAll(expected, "\n", "\\n")}
}

// requestTime reads the Date header and checks it is within MaxSkew of
// the server clock.
func (s *Server) requestTime(r *http.Request) (time.Time, error) {
	date := r.Header.Get("Date")
	if date == "" {
		return time.Time{}, &Error{Code: "MissingDateHeader", Status: http.StatusForbidden, Message: "The Date header is missing."}
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return time.Time{}, &Error{Code: "InvalidDateHeader", Status: http.StatusForbidden, Message: "The Date header " + date + " is not an HTTP date."}
	}
	if d := s.now().Sub(t); d > s.cfg.MaxSkew || d < -s.cfg.MaxSkew {
		return time.Time{}, &Error{Code: "TimeExpired", Status: http.StatusForbidden, Message: "The Date header is more than " + s.cfg.MaxSkew.String() + " from the server time."}
	}
	return t, nil
}

// checkContentMD5 accepts the encodings MNS clients use: the Go SDK sends
// base64 of the hex digest; others send base64 of the raw digest or hex.
func checkContentMD5(header string, body []byte) error {
	if header == "" {
		return nil
	}
	sum := md5.Sum(body)
	hx := hex.EncodeToString(sum[:])
	for _, ok := range []string{
		base64.StdEncoding.EncodeToString([]byte(hx)),
		base64.StdEncoding.EncodeToString(sum[:]),
		hx, strings.ToUpper(hx),
	} {
		if header == ok {
			return nil
		}
	}
	return Errf("InvalidDigest", "The Content-MD5 %s does not match the body.", header)
}

// DefaultMaxSkew is how far a request's Date may be from the server clock.
const DefaultMaxSkew = 15 * time.Minute
