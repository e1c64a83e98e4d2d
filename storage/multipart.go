package storage

import (
	"context"
	"io"
	"time"
)

// Upload is one multipart upload in progress.
type Upload struct {
	Bucket    string
	Key       string
	UploadID  string
	Initiated time.Time
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	PartNumber   int
	ETag         string // without quotes
	Size         int64
	CRC64        uint64
	LastModified time.Time
}

// CompletePart names a part the client wants in the final object, with the
// ETag it received from UploadPart (quotes and case are ignored).
type CompletePart struct {
	PartNumber int
	ETag       string
}

// PartListOptions selects a page of parts.
type PartListOptions struct {
	PartNumberMarker int // return parts strictly after this number
	MaxParts         int
}

// PartPage is one page of ListParts.
type PartPage struct {
	Parts                []Part
	IsTruncated          bool
	NextPartNumberMarker int
}

// UploadListOptions selects a page of uploads.
type UploadListOptions struct {
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int
}

// UploadPage is one page of ListMultipartUploads.
type UploadPage struct {
	Uploads            []Upload
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// MaxPartNumber is the highest part number OSS accepts.
const MaxPartNumber = 10000

// Multipart is implemented by backends that support multipart uploads. It is a
// separate interface so simple backends can still serve single-shot objects.
// Errors are *osserr.Error: NoSuchUpload, InvalidPart, InvalidPartOrder, ….
type Multipart interface {
	// InitiateUpload starts an upload; opts carries the final object's
	// content type and metadata (body fields are ignored).
	InitiateUpload(ctx context.Context, bucket, key string, opts PutOptions) (Upload, error)
	// UploadPart stores (or replaces) one part; opts.ContentMD5/Size are checked.
	UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts PutOptions) (Part, error)
	// CompleteUpload assembles parts, in the given ascending order, into the
	// object atomically and removes the upload. Parts not listed are dropped.
	CompleteUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart) (ObjectInfo, error)
	AbortUpload(ctx context.Context, bucket, key, uploadID string) error
	ListParts(ctx context.Context, bucket, key, uploadID string, opts PartListOptions) (PartPage, error)
	ListUploads(ctx context.Context, bucket string, opts UploadListOptions) (UploadPage, error)
}
