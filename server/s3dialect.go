package server

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossemu/ossemu/server/auth"
)

// The S3 dialect. OSS answers requests signed the AWS way (aws-cli, boto3,
// rclone, the AWS SDKs) with the same operations; what differs on the wire
// is translated here, at the edge, so the handlers stay OSS-only: the
// request's x-amz-* headers gain their x-oss-* twins, and the response's
// x-oss-meta-* headers and request id are written the S3 way. User metadata
// is stored once, so x-amz-meta-a written by an S3 client is x-oss-meta-a
// to an OSS SDK and the other way round.

// s3RequestHeaders are the x-amz-* request headers with an x-oss-* twin the
// handlers read. x-amz-acl, x-amz-storage-class and the like are accepted
// and, as their OSS twins are, ignored.
var s3RequestHeaders = map[string]string{
	"x-amz-copy-source":                     "x-oss-copy-source",
	"x-amz-copy-source-range":               "x-oss-copy-source-range",
	"x-amz-copy-source-if-match":            "x-oss-copy-source-if-match",
	"x-amz-copy-source-if-none-match":       "x-oss-copy-source-if-none-match",
	"x-amz-copy-source-if-modified-since":   "x-oss-copy-source-if-modified-since",
	"x-amz-copy-source-if-unmodified-since": "x-oss-copy-source-if-unmodified-since",
	"x-amz-metadata-directive":              "x-oss-metadata-directive",
}

// s3Dialect prepares an S3-signed request and its response writer; other
// requests pass through unchanged. The x-oss-* twins are added before the
// signature is checked, which is safe: SigV4 covers only the headers it
// lists and SigV2 only x-amz-* ones.
func (s *Server) s3Dialect(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if !auth.S3Signed(r) {
		return w, r
	}
	h := r.Header
	for name, vals := range h {
		lname := strings.ToLower(name)
		if meta, ok := strings.CutPrefix(lname, "x-amz-meta-"); ok && meta != "" {
			h["X-Oss-Meta-"+http.CanonicalHeaderKey(meta)] = vals
			continue
		}
		if twin, ok := s3RequestHeaders[lname]; ok {
			v := vals[0]
			if twin == "x-oss-copy-source" {
				v = ossCopySource(v)
			}
			h.Set(twin, v)
		}
	}
	return &s3Writer{ResponseWriter: w}, r
}

// ossCopySource rewrites an S3 x-amz-copy-source, "[/]bucket/key[?versionId=…]"
// percent-encoded with '+' a literal plus, into the OSS form the copy
// handlers decode, "/bucket/key" query-escaped.
func ossCopySource(v string) string {
	src, version, hasVersion := strings.Cut(v, "?")
	if dec, err := url.PathUnescape(src); err == nil {
		src = dec
	}
	out := "/" + url.QueryEscape(strings.TrimPrefix(src, "/"))
	if hasVersion {
		out += "?" + version
	}
	return out
}

// s3Writer renames the OSS response headers S3 clients read under x-amz-*
// names just before the status line goes out.
type s3Writer struct {
	http.ResponseWriter
	wrote bool
}

func (w *s3Writer) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		for name, vals := range h {
			if meta, ok := strings.CutPrefix(strings.ToLower(name), "x-oss-meta-"); ok {
				// Lower case as S3 sends it: boto3 takes the metadata
				// key's case from the header name.
				delete(h, name)
				h["x-amz-meta-"+meta] = vals
			}
		}
		if id := h.Get("x-oss-request-id"); id != "" {
			h.Set("x-amz-request-id", id)
			h.Set("x-amz-id-2", id)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *s3Writer) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom keeps net/http's sendfile path for object bodies.
func (w *s3Writer) ReadFrom(r io.Reader) (int64, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(w.ResponseWriter, r)
}

// Unwrap lets setOp and http.ResponseController reach the writers below.
func (w *s3Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// s3Grant is S3's ACL grant; OSS writes the canned ACL name instead.
type s3Grant struct {
	Grantee struct {
		XSI         string `xml:"xmlns:xsi,attr"`
		Type        string `xml:"xsi:type,attr"`
		ID          string `xml:"ID"`
		DisplayName string `xml:"DisplayName"`
	} `xml:"Grantee"`
	Permission string `xml:"Permission"`
}

// writeS3ACL answers GetBucketAcl/GetObjectAcl for an S3 client in S3's
// form: the one account owns everything with FULL_CONTROL (the OSS form,
// a bare canned name, parses as an empty grant in boto3).
func writeS3ACL(w http.ResponseWriter) error {
	var g s3Grant
	g.Grantee.XSI, g.Grantee.Type = "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser"
	g.Grantee.ID, g.Grantee.DisplayName = ownerID, ownerID
	g.Permission = "FULL_CONTROL"
	return writeXML(w, http.StatusOK, struct {
		XMLName xml.Name  `xml:"AccessControlPolicy"`
		Owner   owner     `xml:"Owner"`
		Grants  []s3Grant `xml:"AccessControlList>Grant"`
	}{Owner: owner{ownerID, ownerID}, Grants: []s3Grant{g}})
}
