package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// commonHeaders stamps what every OSS response carries and remembers the
// request id for the error body.
func (s *Server) commonHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("x-oss-request-id", newRequestID())
		h.Set("Server", "AliyunOSS")
		h.Set("Date", s.now().UTC().Format(http.TimeFormat))
		next.ServeHTTP(w, r)
	})
}

// newRequestID returns 24 upper-case hex characters, as OSS does.
func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func requestID(w http.ResponseWriter) string { return w.Header().Get("x-oss-request-id") }

// writeXML writes an XML document with OSS's declaration.
func writeXML(w http.ResponseWriter, status int, v any) error {
	out, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	_, err = w.Write(out)
	return err
}

// isoTime formats times the way OSS XML bodies do: whole seconds, always
// written with ".000Z" (e.g. 2012-02-24T08:42:32.000Z). Python oss2 parses
// LastModified with a pattern that requires exactly ".000Z", so sub-second
// digits would break its listings.
func isoTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05.000Z")
}

// quoteETag returns the ETag as OSS sends it in headers and XML.
func quoteETag(etag string) string { return `"` + etag + `"` }
