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

// writeBlob streams body into a new blob while hashing it and checks the
// expected size and MD5. On any error nothing is left behind. The blob is
// renamed and synced while the hashes catch up with the copy (MD5 is the
// slowest part of a PUT), so the fsyncs and the hashing overlap; a body
// that then fails its check is removed again.
func (b *Backend) writeBlob(ctx context.Context, bucket string, body io.Reader, opts storage.PutOptions) (blob, error) {
	m := md5.New()
	c := crc64.New(crcTable)
	hc := startHashes(m, c)
	defer hc.wait()
	var n int64
	rel, err := b.storeBlob(bucket, "w-*", func(tmp io.Writer) error {
		var err error
		if n, err = hc.copy(ctx, tmp, body); err != nil {
			return storage.BodyError(err, "write body")
		}
		return nil
	})
	hc.wait()
	if err == nil {
		if err = storage.CheckBody(n, m.Sum(nil), opts); err != nil {
			b.removeBlob(rel)
		}
	}
	if err != nil {
		return blob{}, err
	}
	return blob{rel: rel, size: n, md5: m.Sum(nil), crc64: c.Sum64()}, nil
}

// storeBlob has fill write a temp file under tmp/ (pattern names it) and,
// when fill succeeds, renames it to a new blob of bucket and fsyncs it
// (see finish), returning its path. On any error the temp file is removed.
func (b *Backend) storeBlob(bucket, pattern string, fill func(tmp io.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(filepath.Join(b.cfg.Dir, "tmp"), pattern)
	if err != nil {
		return "", fmt.Errorf("create temp file: %w", err)
	}
	rel := blobRel(bucket, newID())
	if err = fill(b.blobWriter(tmp)); err == nil {
		err = b.finish(tmp, rel)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	return rel, nil
}

// finish renames tmp to rel, then syncs the file and the directory that
// now names it, and closes the file. On error the caller removes tmp.Name().
//
// The blob is durable, contents and name, before finish returns, which is
// all the index commit that follows needs: no reader can reach a blob the
// index does not name, so renaming before the data is synced exposes
// nothing (a crash in between leaves an orphan blob, as a crash before the
// commit always could). Syncing both after the rename lets the two fsyncs
// run at once; on a journalling filesystem they wait for the same journal
// commit instead of one each (a 1 MB PUT spends most of its time in them).
func (b *Backend) finish(tmp *os.File, rel string) error {
	dst := b.abs(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create blob dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("rename blob: %w", err)
	}
	err := b.syncBlob(tmp, dst)
	if cerr := tmp.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close %s: %w", dst, cerr)
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// syncBlob fsyncs the renamed blob f and its directory concurrently.
func (b *Backend) syncBlob(f *os.File, dst string) error {
	if b.cfg.NoSync {
		return nil
	}
	dirErr := make(chan error, 1)
	go func() { dirErr <- syncDir(filepath.Dir(dst)) }()
	err := f.Sync()
	if derr := <-dirErr; err == nil {
		err = derr
	} else {
		err = fmt.Errorf("sync %s: %w", dst, err)
	}
	return err
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
