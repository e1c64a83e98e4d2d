package local

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// blob is a body written to its final place but not yet referenced by the index.
type blob struct {
	rel   string
	size  int64
	md5   []byte
	crc64 uint64
}

func (bl blob) etag() string { return strings.ToUpper(hex.EncodeToString(bl.md5)) }

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// writeBlob streams body into a temp file while hashing it, checks the
// expected size and MD5, fsyncs and renames it into blobs/. On any error
// nothing is left behind.
func (b *Backend) writeBlob(ctx context.Context, bucket string, body io.Reader, opts storage.PutOptions) (blob, error) {
	tmp, err := os.CreateTemp(filepath.Join(b.cfg.Dir, "tmp"), "w-*")
	if err != nil {
		return blob{}, fmt.Errorf("create temp file: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	m := md5.New()
	c := crc64.New(crcTable)
	n, err := io.Copy(io.MultiWriter(tmp, m, c), ctxReader{ctx, body})
	if err != nil {
		return blob{}, bodyError(err)
	}
	if opts.Size >= 0 && n != opts.Size {
		return blob{}, osserr.New(osserr.IncompleteBody, "the body has %d bytes but %d were announced", n, opts.Size)
	}
	sum := m.Sum(nil)
	if opts.ContentMD5 != nil && !bytes.Equal(opts.ContentMD5, sum) {
		return blob{}, osserr.New(osserr.BadDigest, "the Content-MD5 you specified did not match what was received")
	}
	id := newID()
	rel := blobRel(bucket, id)
	if err := b.finish(tmp, rel); err != nil {
		return blob{}, err
	}
	ok = true
	return blob{rel: rel, size: n, md5: sum, crc64: c.Sum64()}, nil
}

// finish syncs, closes and renames tmp to rel.
func (b *Backend) finish(tmp *os.File, rel string) error {
	if !b.cfg.NoSync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", tmp.Name(), err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	dst := b.abs(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create blob dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("rename blob: %w", err)
	}
	if !b.cfg.NoSync {
		// The index row committed next must never point at a rename a
		// power cut could undo.
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// bodyError turns a failure reading the client's body into an OSS error when
// it is the client's fault; other errors stay internal.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return osserr.Wrap(osserr.EntityTooLarge, err, "the body exceeds the maximum allowed size of %d bytes", mbe.Limit)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return osserr.Wrap(osserr.IncompleteBody, err, "the request body ended before the announced length")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return osserr.Wrap(osserr.IncompleteBody, err, "the request was cancelled while the body was being received")
	}
	if _, ok := osserr.As(err); ok {
		return err
	}
	return fmt.Errorf("write body: %w", err)
}
