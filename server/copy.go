package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// parseCopySource decodes x-oss-copy-source "/bucket/key[?versionId=…]".
// The v1 SDK escapes the key with url.QueryEscape ('+' for space), v2,
// ali-oss, oss2 and Java percent-escape '+' itself, so query unescaping is
// right for all of them.
func parseCopySource(v string) (bucket, key string, err error) {
	v, _, _ = strings.Cut(v, "?")
	dec, uerr := url.QueryUnescape(v)
	if uerr != nil {
		return "", "", osserr.New(osserr.InvalidArgument, "x-oss-copy-source %q is not URL-encoded correctly", v)
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	if err := storage.ValidateBucketName(bucket); err != nil {
		return "", "", err
	}
	if key == "" {
		return "", "", osserr.New(osserr.InvalidArgument, "x-oss-copy-source %q names no object", v)
	}
	return bucket, key, nil
}

type copyResult struct {
	XMLName      xml.Name
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
}

// openCopySource opens the source object after authorising it (same
// account, so the signature already covers it) and applying the
// x-oss-copy-source-if-* conditions.
func (s *Server) openCopySource(r *http.Request, source string) (storage.Object, error) {
	bucket, key, err := parseCopySource(source)
	if err != nil {
		return nil, err
	}
	obj, err := s.deps.Storage.GetObject(r.Context(), bucket, key)
	if err != nil {
		return nil, err
	}
	if err := checkConditions(r.Header, "x-oss-copy-source-", obj.Info()); err != nil {
		obj.Close()
		if osserr.Is(err, osserr.NotModified) {
			return nil, osserr.New(osserr.PreconditionFailed, "the copy source matches x-oss-copy-source-if-none-match or was not modified since x-oss-copy-source-if-modified-since")
		}
		return nil, err
	}
	return obj, nil
}

// copyObject streams the source into the destination; metadata comes from
// the source (x-oss-metadata-directive COPY, the default) or the request
// (REPLACE).
func (s *Server) copyObject(w http.ResponseWriter, r *http.Request, bucket, key, source string) error {
	if err := storage.ValidateObjectKey(key); err != nil {
		return err
	}
	directive := strings.ToUpper(r.Header.Get("x-oss-metadata-directive"))
	if directive != "" && directive != "COPY" && directive != "REPLACE" {
		return osserr.New(osserr.InvalidArgument, "x-oss-metadata-directive must be COPY or REPLACE, got %q", directive)
	}
	src, err := s.openCopySource(r, source)
	if err != nil {
		return err
	}
	defer src.Close()
	si := src.Info()
	opts := storage.PutOptions{ContentType: si.ContentType, UserMeta: si.UserMeta, Headers: si.Headers}
	if directive == "REPLACE" {
		if opts, err = putOptions(r, key); err != nil {
			return err
		}
		opts.ContentMD5 = nil
	}
	opts.Size = si.Size
	if strings.EqualFold(r.Header.Get("x-oss-forbid-overwrite"), "true") {
		if _, err := s.deps.Storage.StatObject(r.Context(), bucket, key); err == nil {
			return osserr.New(osserr.FileAlreadyExists, "the object %q already exists and x-oss-forbid-overwrite is set", key)
		}
	}
	info, err := s.deps.Storage.PutObject(r.Context(), bucket, key, src, opts)
	if err != nil {
		return err
	}
	w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(info.CRC64, 10))
	return writeXML(w, http.StatusOK, copyResult{
		XMLName: xml.Name{Local: "CopyObjectResult"}, LastModified: isoTime(info.LastModified), ETag: quoteETag(info.ETag),
	})
}

// uploadPartCopy fills a part from (a range of) an existing object.
func (s *Server) uploadPartCopy(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values, source string) error {
	mp, uploadID, partNumber, err := s.partTarget(q)
	if err != nil {
		return err
	}
	src, err := s.openCopySource(r, source)
	if err != nil {
		return err
	}
	defer src.Close()
	size := src.Info().Size
	var body io.Reader = src
	if v := r.Header.Get("x-oss-copy-source-range"); v != "" {
		h := http.Header{"Range": {v}, "X-Oss-Range-Behavior": {"standard"}}
		start, end, ok, err := parseRange(h, size)
		if err != nil {
			return err
		}
		if ok {
			if _, err := src.Seek(start, io.SeekStart); err != nil {
				return err
			}
			size = end - start + 1
			body = io.LimitReader(src, size)
		}
	}
	part, err := mp.UploadPart(r.Context(), bucket, key, uploadID, partNumber, body, storage.PutOptions{Size: size})
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, copyResult{
		XMLName: xml.Name{Local: "CopyPartResult"}, LastModified: isoTime(part.LastModified), ETag: quoteETag(part.ETag),
	})
}
