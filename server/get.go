package server

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// responseOverrides maps response-* query parameters to the header they set.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

// writeObjectHeaders sets the metadata headers GET and HEAD share.
func writeObjectHeaders(w http.ResponseWriter, info storage.ObjectInfo) {
	h := w.Header()
	ct := info.ContentType
	if ct == "" { // objects written by the engines may carry none
		ct = contentTypeFor(info.Key)
	}
	h.Set("Content-Type", ct)
	h.Set("ETag", quoteETag(info.ETag))
	h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-oss-storage-class", "Standard")
	switch {
	case info.PartCount > 0:
		h.Set("x-oss-object-type", "Multipart")
	case info.Headers[appendableHeader] != "":
		// set from info.Headers below
	default:
		h.Set("x-oss-object-type", "Normal")
	}
	// User metadata goes out in lower case, as OSS sends it: the Java SDK
	// finds it by a case-sensitive "x-oss-meta-" prefix, so the canonical
	// "X-Oss-Meta-" spelling h.Set would write is lost there. Assigning the
	// map entry keeps the spelling on the wire.
	for k, v := range info.UserMeta {
		h["x-oss-meta-"+strings.ToLower(k)] = []string{v}
	}
	for k, v := range info.Headers {
		h.Set(k, v)
	}
}

// checkConditions applies If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since in HTTP's order (RFC 7232): If-Unmodified-Since counts only without
// If-Match, If-Modified-Since only without If-None-Match.
func checkConditions(h http.Header, prefix string, info storage.ObjectInfo) error {
	etag := quoteETag(info.ETag)
	mod := info.LastModified.Truncate(time.Second)
	if v := h.Get(prefix + "If-Match"); v != "" {
		if !etagMatches(v, etag) {
			return osserr.New(osserr.PreconditionFailed, "If-Match %s does not match the ETag %s", v, etag).With("Condition", prefix+"If-Match")
		}
	} else if v := h.Get(prefix + "If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && mod.After(t) {
			return osserr.New(osserr.PreconditionFailed, "the object was modified after %s", v).With("Condition", prefix+"If-Unmodified-Since")
		}
	}
	if v := h.Get(prefix + "If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return osserr.New(osserr.NotModified, "the ETag matches If-None-Match")
		}
	} else if v := h.Get(prefix + "If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !mod.After(t) {
			return osserr.New(osserr.NotModified, "the object was not modified since %s", v)
		}
	}
	return nil
}

func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.EqualFold(strings.Trim(v, `"`), strings.Trim(etag, `"`)) {
			return true
		}
	}
	return false
}

// parseRange returns the byte range to serve. ok is false when the whole
// object should be served: no Range header or, as on OSS by default, an
// invalid or unsatisfiable one. With "x-oss-range-behavior: standard" an
// unsatisfiable range is an InvalidRange error instead.
func parseRange(h http.Header, size int64) (start, end int64, ok bool, err error) {
	v := h.Get("Range")
	spec, found := strings.CutPrefix(v, "bytes=")
	if v == "" || !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	standard := strings.EqualFold(h.Get("x-oss-range-behavior"), "standard")
	bad := func() (int64, int64, bool, error) {
		if standard {
			return 0, 0, false, osserr.New(osserr.InvalidRange, "the range %q cannot be satisfied for an object of %d bytes", v, size)
		}
		return 0, 0, false, nil
	}
	a, b, _ := strings.Cut(strings.TrimSpace(spec), "-")
	switch {
	case a == "" && b == "":
		return bad()
	case a == "": // suffix: the last n bytes
		n, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || n <= 0 || size == 0 {
			return bad()
		}
		return max(0, size-n), size - 1, true, nil
	}
	start, perr := strconv.ParseInt(a, 10, 64)
	if perr != nil || start < 0 || start >= size {
		return bad()
	}
	end = size - 1
	if b != "" {
		e, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || e < start {
			return bad()
		}
		end = min(e, size-1)
	}
	return start, end, true, nil
}

// getObject serves GET and HEAD.
func (s *Server) getObject(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	obj, err := s.deps.Storage.GetObject(r.Context(), bucket, key)
	if err != nil {
		return err
	}
	defer obj.Close()
	info := obj.Info()
	if err := checkConditions(r.Header, "", info); err != nil {
		if osserr.Is(err, osserr.NotModified) {
			h := w.Header()
			h.Set("ETag", quoteETag(info.ETag))
			h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
		}
		return err
	}
	start, end, ranged, err := parseRange(r.Header, info.Size)
	if err != nil {
		return err
	}
	writeObjectHeaders(w, info)
	h := w.Header()
	for param, header := range responseOverrides {
		if v := q.Get(param); v != "" {
			h.Set(header, v)
		}
	}
	status, length := http.StatusOK, info.Size
	if ranged {
		status, length = http.StatusPartialContent, end-start+1
		h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end, 10)+"/"+strconv.FormatInt(info.Size, 10))
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	if ranged {
		if _, err := obj.Seek(start, io.SeekStart); err != nil {
			return nil // headers are out; the client sees a short body
		}
	}
	var src io.Reader = obj
	if f, ok := obj.(interface{ OSFile() *os.File }); ok {
		src = f.OSFile() // lets net/http use sendfile
	}
	io.CopyN(w, src, length)
	return nil
}

// objectMeta answers HEAD (or GET) ?objectMeta: the cheap subset of
// HeadObject. A GET has no body, so it cannot announce the object's length.
func (s *Server) objectMeta(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	info, err := s.deps.Storage.StatObject(r.Context(), bucket, key)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", quoteETag(info.ETag))
	if r.Method == http.MethodHead {
		h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	} else {
		h.Set("Content-Length", "0")
	}
	h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	h.Set("x-oss-last-access-time", info.LastModified.UTC().Format(http.TimeFormat))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	w.WriteHeader(http.StatusOK)
	return nil
}
