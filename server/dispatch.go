package server

import (
	"net/http"
	"net/url"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/server/auth"
)

// authenticate checks the request's signature for the resource it
// addresses. Every OSS request goes through it.
func (s *Server) authenticate(r *http.Request, bucket, key string) error {
	return s.deps.Verifier.Verify(r, auth.Resource{Bucket: bucket, Key: key})
}

// serveOSS resolves the addressed resource, authenticates, and dispatches on
// its level (service, bucket, object); sub-resources in the query are
// dispatched inside each level's handler, as OSS does.
func (s *Server) serveOSS(w http.ResponseWriter, r *http.Request) {
	w, r = s.s3Dialect(w, r)
	t, err := s.resolve(r)
	if err == nil {
		err = s.authenticate(r, t.Bucket, t.Key)
	}
	if err != nil {
		refuseBody(w, r)
	}
	if err == nil {
		q := r.URL.Query()
		switch {
		case t.Bucket == "":
			err = s.serviceOp(w, r, q)
		case t.Key == "":
			err = s.bucketOp(w, r, t.Bucket, q)
		default:
			err = s.objectOp(w, r, t.Bucket, t.Key, q)
		}
	}
	if err != nil {
		s.writeError(w, r, err)
	}
}

// refuseBody is for a request refused before its body was read (an
// anonymous or badly signed PUT): the connection is closed after the
// answer. Otherwise Go's server would first read up to 256 KiB of the body,
// to reuse the connection, and a client trickling that body would hold the
// refusal back for as long as it liked.
func refuseBody(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
}

func (s *Server) serviceOp(w http.ResponseWriter, r *http.Request, q url.Values) error {
	if r.Method != http.MethodGet {
		return methodNotAllowed(r)
	}
	setOp(w, "ListBuckets")
	return s.listBuckets(w, r, q)
}

// unsupported are OSS sub-resources ossemu does not implement; requests
// carrying them are refused instead of being mistaken for plain object or
// bucket calls (a PUT ?acl must not overwrite the object with its body).
var unsupported = []string{
	"acl", "tagging", "cors", "lifecycle", "website", "referer", "logging", "policy",
	"versioning", "versions", "symlink", "restore", "encryption", "replication",
	"worm", "inventory", "select", "qos", "requestPayment", "transferAcceleration",
	"stat", "live", "cname", "style", "bucketArchiveDirectRead", "resourceGroup",
}

func unsupportedSub(q url.Values) string {
	for _, k := range unsupported {
		if _, ok := q[k]; ok {
			return k
		}
	}
	return ""
}

func notImplemented(sub string) error {
	return osserr.New(osserr.NotImplemented, "the ?%s sub-resource is not supported by ossemu", sub)
}

func methodNotAllowed(r *http.Request) error {
	return osserr.New(osserr.MethodNotAllowed, "the method %s is not allowed against this resource", r.Method)
}

func (s *Server) bucketOp(w http.ResponseWriter, r *http.Request, bucket string, q url.Values) error {
	sub := unsupportedSub(q)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		switch {
		case q.Has("acl"):
			setOp(w, "GetBucketAcl")
			return s.getACL(w, r, bucket, "")
		case q.Has("location"):
			setOp(w, "GetBucketLocation")
			return s.getBucketLocation(w, r, bucket)
		case q.Has("bucketInfo"):
			setOp(w, "GetBucketInfo")
			return s.getBucketInfo(w, r, bucket)
		case q.Has("uploads"):
			setOp(w, "ListMultipartUploads")
			return s.listUploads(w, r, bucket, q)
		case sub != "":
			return notImplemented(sub)
		case q.Get("list-type") == "2":
			setOp(w, "ListObjectsV2")
			return s.listObjects(w, r, bucket, q, true)
		default:
			setOp(w, "ListObjects")
			return s.listObjects(w, r, bucket, q, false)
		}
	case http.MethodPut:
		if q.Has("acl") {
			setOp(w, "PutBucketAcl")
			return s.putACL(w, r, bucket, "")
		}
		if sub != "" {
			return notImplemented(sub)
		}
		setOp(w, "PutBucket")
		return s.putBucket(w, r, bucket)
	case http.MethodDelete:
		if sub != "" {
			return notImplemented(sub)
		}
		setOp(w, "DeleteBucket")
		return s.deleteBucket(w, r, bucket)
	case http.MethodPost:
		if q.Has("delete") {
			setOp(w, "DeleteMultipleObjects")
			return s.deleteMultiple(w, r, bucket, q)
		}
		return osserr.New(osserr.InvalidRequest, "unsupported POST on a bucket; did you mean ?delete?")
	}
	return methodNotAllowed(r)
}

func (s *Server) objectOp(w http.ResponseWriter, r *http.Request, bucket, key string, q url.Values) error {
	sub := unsupportedSub(q)
	copySource := r.Header.Get("x-oss-copy-source")
	switch r.Method {
	case http.MethodGet:
		switch {
		case q.Has("x-oss-process"):
			setOp(w, "ProcessObject")
			return s.syncProcess(w, r, bucket, key)
		case q.Has("uploadId"):
			setOp(w, "ListParts")
			return s.listParts(w, r, bucket, key, q)
		case q.Has("acl"):
			setOp(w, "GetObjectAcl")
			return s.getACL(w, r, bucket, key)
		case q.Has("objectMeta"):
			// Older oss2 and the Java SDK send GetObjectMeta as a GET.
			setOp(w, "GetObjectMeta")
			return s.objectMeta(w, r, bucket, key)
		case sub != "":
			return notImplemented(sub)
		}
		setOp(w, "GetObject")
		return s.getObject(w, r, bucket, key, q)
	case http.MethodHead:
		if q.Has("objectMeta") {
			setOp(w, "GetObjectMeta")
			return s.objectMeta(w, r, bucket, key)
		}
		setOp(w, "HeadObject")
		return s.getObject(w, r, bucket, key, q)
	case http.MethodPut:
		switch {
		case q.Has("acl"):
			setOp(w, "PutObjectAcl")
			return s.putACL(w, r, bucket, key)
		case sub != "":
			return notImplemented(sub)
		case q.Has("partNumber") || q.Has("uploadId"):
			if copySource != "" {
				setOp(w, "UploadPartCopy")
				return s.uploadPartCopy(w, r, bucket, key, q, copySource)
			}
			setOp(w, "UploadPart")
			return s.uploadPart(w, r, bucket, key, q)
		case copySource != "":
			setOp(w, "CopyObject")
			return s.copyObject(w, r, bucket, key, copySource)
		}
		setOp(w, "PutObject")
		return s.putObject(w, r, bucket, key)
	case http.MethodPost:
		switch {
		case q.Has("x-oss-async-process"):
			setOp(w, "AsyncProcessObject")
			return s.asyncProcess(w, r, bucket, key)
		case q.Has("x-oss-process"):
			setOp(w, "ProcessObject")
			return s.syncProcess(w, r, bucket, key)
		case q.Has("uploads"):
			setOp(w, "InitiateMultipartUpload")
			return s.initiateUpload(w, r, bucket, key, q)
		case q.Has("uploadId"):
			setOp(w, "CompleteMultipartUpload")
			return s.completeUpload(w, r, bucket, key, q)
		case q.Has("append"):
			setOp(w, "AppendObject")
			return s.appendObject(w, r, bucket, key, q)
		case sub != "":
			return notImplemented(sub)
		}
		return osserr.New(osserr.InvalidRequest, "unsupported POST on an object")
	case http.MethodDelete:
		switch {
		case q.Has("uploadId"):
			setOp(w, "AbortMultipartUpload")
			return s.abortUpload(w, r, bucket, key, q)
		case sub != "":
			return notImplemented(sub)
		}
		setOp(w, "DeleteObject")
		return s.deleteObject(w, r, bucket, key)
	}
	return methodNotAllowed(r)
}
