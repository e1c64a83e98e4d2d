package auth

import (
	"fmt"
	"time"

	"github.com/ossemu/ossemu/osserr"
)

// serverTimeFormat is how OSS writes RequestTime/ServerTime in skew and
// expiry errors; ali-oss parses ServerTime to correct its clock.
const serverTimeFormat = "2006-01-02T15:04:05.000Z"

func errAnonymous() *osserr.Error {
	return osserr.New(osserr.AccessDenied, "anonymous access is forbidden for this operation; sign the request with the emulator's access key")
}

func errBadAuthorization(format string, args ...any) *osserr.Error {
	return osserr.New(osserr.InvalidArgument, "Authorization header is invalid: %s.", fmt.Sprintf(format, args...))
}

func errMissingDate() *osserr.Error {
	return osserr.New(osserr.AccessDenied, "OSS authentication requires a valid Date or x-oss-date header.")
}

func errSkewed(reqTime, now time.Time, maxSkew time.Duration) *osserr.Error {
	return osserr.New(osserr.RequestTimeTooSkewed,
		"The difference between the request time and the current time is too large (more than %s).", maxSkew).
		With("RequestTime", reqTime.UTC().Format(serverTimeFormat)).
		With("ServerTime", now.UTC().Format(serverTimeFormat)).
		With("MaxAllowedSkewMilliseconds", fmt.Sprint(maxSkew.Milliseconds()))
}

func errExpired(expires, now time.Time) *osserr.Error {
	return osserr.New(osserr.AccessDenied, "Request has expired.").
		With("Expires", expires.UTC().Format(serverTimeFormat)).
		With("ServerTime", now.UTC().Format(serverTimeFormat))
}

// errMismatch reports the string to sign ossemu computed in its primary
// form, so the caller can diff it against its own (the SDKs log theirs).
func errMismatch(stringToSign, provided, canonicalRequest string) *osserr.Error {
	e := osserr.New(osserr.SignatureDoesNotMatch,
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.").
		With("StringToSign", stringToSign).
		With("SignatureProvided", provided)
	if canonicalRequest != "" {
		e = e.With("CanonicalRequest", canonicalRequest)
	}
	return e
}
