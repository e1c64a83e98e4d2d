package server

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// storedHeaders are the standard headers an object keeps and returns on GET.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

// putOptions collects what PutObject, InitiateMultipartUpload and a
// REPLACE copy take from the request headers.
func putOptions(r *http.Request, key string) (storage.PutOptions, error) {
	opts := storage.PutOptions{Size: r.ContentLength, ContentType: r.Header.Get("Content-Type")}
	if opts.ContentType == "" {
		opts.ContentType = contentTypeFor(key)
	}
	for name, vals := range r.Header {
		lname := strings.ToLower(name)
		if meta, ok := strings.CutPrefix(lname, "x-oss-meta-"); ok && meta != "" {
			if opts.UserMeta == nil {
				opts.UserMeta = map[string]string{}
			}
			opts.UserMeta[meta] = strings.Join(vals, ",")
		}
	}
	for _, h := range storedHeaders {
		if v := r.Header.Get(h); v != "" {
			if opts.Headers == nil {
				opts.Headers = map[string]string{}
			}
			opts.Headers[h] = v
		}
	}
	if v := r.Header.Get("Content-MD5"); v != "" {
		sum, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(sum) != md5.Size {
			return opts, osserr.New(osserr.InvalidDigest, "the Content-MD5 %q is not the base64 of a 16-byte MD5", v)
		}
		opts.ContentMD5 = sum
	}
	return opts, nil
}

// limitBody caps the body at the configured maximum object size.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) (io.Reader, error) {
	if r.ContentLength > s.cfg.MaxObjectSize {
		return nil, osserr.New(osserr.EntityTooLarge, "the body is %d bytes; at most %d are allowed", r.ContentLength, s.cfg.MaxObjectSize)
	}
	return http.MaxBytesReader(w, r.Body, s.cfg.MaxObjectSize), nil
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if err := storage.ValidateObjectKey(key); err != nil {
		return err
	}
	opts, err := putOptions(r, key)
	if err != nil {
		return err
	}
	if strings.EqualFold(r.Header.Get("x-oss-forbid-overwrite"), "true") {
		if _, err := s.deps.Storage.StatObject(r.Context(), bucket, key); err == nil {
			return osserr.New(osserr.FileAlreadyExists, "the object %q already exists and x-oss-forbid-overwrite is set", key)
		}
	}
	body, err := s.limitBody(w, r)
	if err != nil {
		return err
	}
	info, err := s.deps.Storage.PutObject(r.Context(), bucket, key, body, opts)
	if err != nil {
		return err
	}
	writeWriteHeaders(w, info)
	w.WriteHeader(http.StatusOK)
	return nil
}

// writeWriteHeaders sets what OSS returns after storing a body.
func writeWriteHeaders(w http.ResponseWriter, info storage.ObjectInfo) {
	h := w.Header()
	h.Set("ETag", quoteETag(info.ETag))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	if raw, err := hex.DecodeString(info.ETag); err == nil && len(raw) == md5.Size {
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(raw))
	}
}
