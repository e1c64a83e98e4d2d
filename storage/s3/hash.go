package s3

import (
	"context"
	"crypto/md5"
	"hash"
	"hash/crc64"
	"io"

	"github.com/ossemu/ossemu/storage"
)

// hashReader digests what passes through it, stopping early when ctx ends.
type hashReader struct {
	ctx context.Context
	r   io.Reader
	md5 hash.Hash
	crc hash.Hash64
	n   int64
}

func newHashReader(ctx context.Context, r io.Reader) *hashReader {
	return &hashReader{ctx: ctx, r: r, md5: md5.New(), crc: crc64.New(crcTable)}
}

func (h *hashReader) Read(p []byte) (int, error) {
	if err := h.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := h.r.Read(p)
	h.md5.Write(p[:n])
	h.crc.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// check compares what was read with the announced size and Content-MD5, and
// returns the OSS ETag (upper-case hex MD5).
func (h *hashReader) check(opts storage.PutOptions) (string, error) {
	sum := h.md5.Sum(nil)
	if err := storage.CheckBody(h.n, sum, opts); err != nil {
		return "", err
	}
	return storage.ETag(sum), nil
}
