package storage

import (
	"context"
	"io"
)

// BatchPut is one object of a PutObjects batch. Open is called once, when
// the backend is ready to stream that body, so a batch of a thousand files
// never holds a thousand open descriptors.
type BatchPut struct {
	Bucket string
	Key    string
	Open   func() (io.ReadCloser, error)
	Opts   PutOptions
}

// Batcher is implemented by backends that can make several new objects
// visible at once: a reader sees all of them or none of them (and, for a
// key written twice in a batch, the later body). The task queue publishes a
// task's outputs through it when the backend has it; a backend without it
// (S3, which has no multi-object transaction) gets one PutObject per output.
type Batcher interface {
	PutObjects(ctx context.Context, puts []BatchPut) ([]ObjectInfo, error)
}
