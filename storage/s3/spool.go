package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ossemu/ossemu/storage"
)

// spooled is a part body held until it is verified: S3 needs a length and a
// rewindable body (SigV4 hashes the payload, retries resend it), and a body
// that fails its Content-MD5 must never reach the store. Small bodies stay
// in memory, larger ones spill to a temporary file.
type spooled struct {
	mem  []byte
	file *os.File
	size int64
	etag string
	crc  uint64
}

func (b *Backend) spool(ctx context.Context, body io.Reader, opts storage.PutOptions) (sp *spooled, err error) {
	h := newHashReader(ctx, body)
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, h, b.cfg.SpoolMemory+1)
	sp = &spooled{}
	defer func() {
		if err != nil {
			sp.Close()
		}
	}()
	switch {
	case errors.Is(err, io.EOF):
		sp.mem = buf.Bytes()
	case err != nil:
		return sp, storage.BodyError(err, "reading body")
	default:
		if sp.file, err = os.CreateTemp(b.cfg.TempDir, "ossemu-s3-part-*"); err != nil {
			return sp, fmt.Errorf("spooling part: %w", err)
		}
		if _, err = sp.file.Write(buf.Bytes()); err != nil {
			return sp, fmt.Errorf("spooling part: %w", err)
		}
		m, err := io.Copy(sp.file, h)
		if err != nil {
			return sp, storage.BodyError(err, "reading body")
		}
		n += m
	}
	sp.size = n
	if sp.etag, err = h.check(opts); err != nil {
		return sp, err
	}
	sp.crc = h.crc.Sum64()
	return sp, nil
}

// reader returns the body from its start.
func (sp *spooled) reader() (io.ReadSeeker, error) {
	if sp.file == nil {
		return bytes.NewReader(sp.mem), nil
	}
	if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewinding spooled part: %w", err)
	}
	return sp.file, nil
}

// Close removes the spill file, if any.
func (sp *spooled) Close() {
	if sp.file != nil {
		sp.file.Close()
		os.Remove(sp.file.Name())
		sp.file = nil
	}
}
