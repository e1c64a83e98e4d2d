package auth

import (
	"net/http"
	"time"
)

// iso8601Basic is the V4 timestamp form, e.g. 20231216T162057Z.
const iso8601Basic = "20060102T150405Z"

// parseTime accepts the date forms OSS and S3 clients send: RFC 1123 "GMT"
// (Date, and x-oss-date from ali-oss in V1 mode), the other HTTP date
// forms, RFC 1123 with a numeric or other named zone, and the V4 ISO 8601
// basic form.
func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse(iso8601Basic, s); err == nil {
		return t, true
	}
	if t, err := http.ParseTime(s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC1123Z, s); err == nil {
		return t, true
	}
	// RFC 1123 with a zone name other than GMT: rclone's SigV2 sends "UTC".
	if t, err := time.Parse(time.RFC1123, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// requestTime is the time a header-signed request claims: x-oss-date wins
// over Date, as OSS documents (browsers cannot set Date).
func requestTime(h http.Header) (time.Time, error) {
	raw := h.Get("x-oss-date")
	if raw == "" {
		raw = h.Get("Date")
	}
	if raw == "" {
		return time.Time{}, errMissingDate()
	}
	t, ok := parseTime(raw)
	if !ok {
		if t, ok = parseTime(h.Get("Date")); !ok {
			return time.Time{}, errMissingDate()
		}
	}
	return t, nil
}

// checkSkew enforces MaxSkew on a header-signed request.
func (v *Verifier) checkSkew(h http.Header) error {
	t, err := requestTime(h)
	if err != nil {
		return err
	}
	return v.checkTimeSkew(t)
}

// checkTimeSkew enforces MaxSkew on the time a request claims.
func (v *Verifier) checkTimeSkew(t time.Time) error {
	now := v.now()
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	if d > v.maxSkew {
		return errSkewed(t, now, v.maxSkew)
	}
	return nil
}

// unixTime converts absolute unix seconds (V1 Expires) to a time.
func unixTime(secs int64) time.Time { return time.Unix(secs, 0).UTC() }
