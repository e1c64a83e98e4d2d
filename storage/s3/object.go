package s3

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// object is an open S3 object. Reads come from a window of up to ReadAhead
// bytes filled from one streaming GET, so libav's many small reads cost no
// requests; a seek inside the window is free, a short forward seek skips
// along the stream, and any other seek starts a ranged GET at the new
// position on the next Read.
//
// Every GET after the first is pinned to the version first opened (its
// VersionId on versioned buckets, otherwise If-Match on its ETag), so a
// reader never mixes two versions: an object replaced under a reader keeps
// serving the bytes already in the window (the whole object, if it fits)
// and otherwise fails with a transient PreconditionFailed, so a media task
// is retried on the new version.
type object struct {
	ctx     context.Context
	b       *Backend
	info    storage.ObjectInfo
	s3ETag  string
	version string

	pos     int64
	buf     []byte // bytes [bufOff, bufOff+len(buf)) of the object
	bufOff  int64
	body    io.ReadCloser // stream positioned at bodyOff
	bodyOff int64
	closed  bool
}

func (o *object) Info() storage.ObjectInfo { return o.info }

func (o *object) Read(p []byte) (int, error) {
	if o.closed {
		return 0, errors.New("s3: read of a closed object")
	}
	if o.pos >= o.info.Size {
		return 0, io.EOF
	}
	if o.pos < o.bufOff || o.pos >= o.bufOff+int64(len(o.buf)) {
		if err := o.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, o.buf[o.pos-o.bufOff:])
	o.pos += int64(n)
	return n, nil
}

// fill loads a window holding pos. When the open stream is at most one
// window behind pos the window starts where the stream is, rather than
// skipping, so the bytes before pos stay readable without a request (a whole
// small object ends up in the window after the first read).
func (o *object) fill() error {
	if o.body != nil && (o.pos < o.bodyOff || o.pos-o.bodyOff >= int64(o.b.cfg.ReadAhead)) {
		o.dropBody()
	}
	if o.body == nil {
		if err := o.open(); err != nil {
			return err
		}
	}
	want := min(int64(o.b.cfg.ReadAhead), o.info.Size-o.bodyOff)
	if int64(cap(o.buf)) < want {
		o.buf = make([]byte, want)
	}
	n, err := io.ReadFull(o.body, o.buf[:want])
	o.buf, o.bufOff = o.buf[:n], o.bodyOff
	o.bodyOff += int64(n)
	if err != nil {
		o.dropBody()
	}
	if o.pos < o.bufOff+int64(n) {
		return nil // serve what arrived; a short stream is reopened next time
	}
	return osserr.Transient(fmt.Errorf("s3: reading %s/%s at %d: %w", o.info.Bucket, o.info.Key, o.pos, errors.Join(err, io.ErrUnexpectedEOF)))
}

// open starts a GET from pos to the end, pinned to the opened version.
func (o *object) open() error {
	in := &awss3.GetObjectInput{
		Bucket: o.b.s3Bucket(o.info.Bucket), Key: aws.String(o.info.Key),
		Range: aws.String(fmt.Sprintf("bytes=%d-", o.pos)),
	}
	if o.version != "" && o.version != "null" {
		in.VersionId = aws.String(o.version)
	} else {
		in.IfMatch = aws.String(o.s3ETag)
	}
	res, err := o.b.client.GetObject(o.ctx, in)
	if err != nil {
		if httpStatus(err) == 412 || httpStatus(err) == 404 {
			return osserr.Transient(osserr.Wrap(osserr.PreconditionFailed, err,
				"the object %s/%s changed or was deleted while it was being read", o.info.Bucket, o.info.Key))
		}
		return mapErr(err, "reading "+o.info.Bucket+"/"+o.info.Key)
	}
	o.body, o.bodyOff = res.Body, o.pos
	return nil
}

func (o *object) dropBody() {
	if o.body != nil {
		o.body.Close()
		o.body = nil
	}
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	if o.closed {
		return 0, errors.New("s3: seek on a closed object")
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = o.pos + offset
	case io.SeekEnd:
		abs = o.info.Size + offset
	default:
		return 0, fmt.Errorf("s3: seek: invalid whence %d", whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("s3: seek to negative position %d", abs)
	}
	o.pos = abs
	return abs, nil
}

func (o *object) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	o.dropBody()
	o.buf = nil
	return nil
}
