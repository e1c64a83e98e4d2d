package server

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// appendableHeader marks objects made by AppendObject. It is kept with the
// object's stored headers, so GET/HEAD report x-oss-object-type: Appendable.
const appendableHeader = "X-Oss-Object-Type"

// appendObject answers POST ?append&position=N. The storage interface has
// no in-place append, so the new version is the old bytes followed by the
// body, written atomically like any PutObject: simple and crash-safe, at
// the cost of rewriting the object on each append.
func (s *Server) appendObject(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	if err := storage.ValidateObjectKey(key); err != nil {
		return err
	}
	pos, err := strconv.ParseInt(q.Get("position"), 10, 64)
	if err != nil || pos < 0 {
		return osserr.New(osserr.InvalidArgument, "position must be a non-negative integer, got %q", q.Get("position")).
			With("ArgumentName", "position").With("ArgumentValue", q.Get("position"))
	}
	opts, err := putOptions(r, key)
	if err != nil {
		return err
	}
	body, err := s.limitBody(w, r)
	if err != nil {
		return err
	}
	var prefix io.Reader = eofReader{}
	var prevSize int64
	old, err := s.deps.Storage.GetObject(r.Context(), bucket, key)
	switch {
	case err == nil:
		defer old.Close()
		info := old.Info()
		if info.Headers[appendableHeader] != "Appendable" {
			return osserr.New(osserr.ObjectNotAppendable, "the object %q was not created by AppendObject", key)
		}
		prevSize = info.Size
		// Later appends keep the metadata of the first one, as on OSS.
		opts.ContentType, opts.UserMeta, opts.Headers = info.ContentType, info.UserMeta, info.Headers
		prefix = old
	case !osserr.Is(err, osserr.NoSuchKey):
		return err
	}
	if pos != prevSize {
		w.Header().Set("x-oss-next-append-position", strconv.FormatInt(prevSize, 10))
		return osserr.New(osserr.PositionNotEqualToLength, "position %d is not the current length %d", pos, prevSize)
	}
	if opts.Headers == nil {
		opts.Headers = map[string]string{}
	}
	opts.Headers[appendableHeader] = "Appendable"
	if opts.ContentMD5 != nil {
		// Content-MD5 covers the appended part, checked by the backend on
		// the whole object: check it on the part instead.
		body = &md5Check{r: body, want: opts.ContentMD5}
		opts.ContentMD5 = nil
	}
	if opts.Size >= 0 {
		opts.Size += prevSize
	}
	info, err := s.deps.Storage.PutObject(r.Context(), bucket, key, io.MultiReader(prefix, body), opts)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("x-oss-next-append-position", strconv.FormatInt(info.Size, 10))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	h.Set("ETag", quoteETag(info.ETag))
	w.WriteHeader(http.StatusOK)
	return nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
