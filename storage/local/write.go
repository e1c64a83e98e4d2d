package local

import (
	"context"
	"crypto/md5"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"path/filepath"

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

func (bl blob) etag() string { return storage.ETag(bl.md5) }

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

// writeBlob streams body into a new blob while hashing it and checks the
// expected size and MD5. On any error nothing is left behind.
func (b *Backend) writeBlob(ctx context.Context, bucket string, body io.Reader, opts storage.PutOptions) (blob, error) {
	m := md5.New()
	c := crc64.New(crcTable)
	var n int64
	rel, err := b.storeBlob(bucket, "w-*", func(tmp io.Writer) error {
		var err error
		if n, err = io.Copy(io.MultiWriter(tmp, m, c), ctxReader{ctx, body}); err != nil {
			return storage.BodyError(err, "write body")
		}
		return storage.CheckBody(n, m.Sum(nil), opts)
	})
	if err != nil {
		return blob{}, err
	}
	return blob{rel: rel, size: n, md5: m.Sum(nil), crc64: c.Sum64()}, nil
}

// storeBlob has fill write a temp file under tmp/ (pattern names it) and,
// when fill succeeds, fsyncs and renames it to a new blob of bucket, whose
// path it returns. On any error the temp file is removed.
func (b *Backend) storeBlob(bucket, pattern string, fill func(tmp io.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(filepath.Join(b.cfg.Dir, "tmp"), pattern)
	if err != nil {
		return "", fmt.Errorf("create temp file: %w", err)
	}
	rel := blobRel(bucket, newID())
	if err = fill(tmp); err == nil {
		err = b.finish(tmp, rel)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	return rel, nil
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
