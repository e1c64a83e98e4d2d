// Package storage is the object store behind ossemu: buckets and objects with
// streaming bodies. Backends return *osserr.Error values (NoSuchBucket,
// NoSuchKey, BucketNotEmpty, …) so callers can tell misses from I/O failures.
package storage

import (
	"context"
	"io"
	"time"
)

// Bucket describes one bucket.
type Bucket struct {
	Name    string
	Created time.Time
}

// ObjectInfo is an object's metadata as HeadObject reports it.
type ObjectInfo struct {
	Bucket       string
	Key          string
	Size         int64
	ETag         string // without quotes
	LastModified time.Time
	ContentType  string
	CRC64        uint64            // CRC-64/ECMA-182 of the whole object
	UserMeta     map[string]string // x-oss-meta-* without the prefix, lower-case names
	Headers      map[string]string // other stored headers (Cache-Control, Content-Disposition, …)
	PartCount    int               // >0 for objects made by CompleteMultipartUpload
}

// PutOptions carries what a writer sets on a new object.
type PutOptions struct {
	ContentType string
	UserMeta    map[string]string
	Headers     map[string]string
	ContentMD5  []byte // raw 16 bytes, verified when set (BadDigest on mismatch)
	Size        int64  // expected length, -1 if unknown (IncompleteBody when short)
}

// Object is an open object: a seekable stream plus its metadata.
type Object interface {
	io.ReadSeekCloser
	Info() ObjectInfo
}

// ListOptions selects a page of keys.
type ListOptions struct {
	Prefix    string
	Delimiter string
	Marker    string // return keys strictly after this
	MaxKeys   int
}

// ListPage is one page of a listing.
type ListPage struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	NextMarker     string
}

// Backend is an object store. Every method honours ctx; bodies stream.
// Writes are atomic: a reader sees the old object or the whole new one.
type Backend interface {
	CreateBucket(ctx context.Context, bucket string) error
	DeleteBucket(ctx context.Context, bucket string) error
	ListBuckets(ctx context.Context) ([]Bucket, error)
	StatBucket(ctx context.Context, bucket string) (Bucket, error)

	PutObject(ctx context.Context, bucket, key string, body io.Reader, opts PutOptions) (ObjectInfo, error)
	GetObject(ctx context.Context, bucket, key string) (Object, error)
	StatObject(ctx context.Context, bucket, key string) (ObjectInfo, error)
	DeleteObject(ctx context.Context, bucket, key string) error
	ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListPage, error)
}

// LocalPather is implemented by backends that keep objects as local files; the
// media engines use it to let libav read the file directly instead of through
// a Go callback. The returned path must only be read.
type LocalPather interface {
	LocalPath(ctx context.Context, bucket, key string) (string, error)
}
