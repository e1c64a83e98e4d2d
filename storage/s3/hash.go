package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"hash"
	"hash/crc64"
	"io"
	"strings"

	"github.com/ossemu/ossemu/osserr"
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
	if opts.Size >= 0 && h.n != opts.Size {
		return "", osserr.New(osserr.IncompleteBody, "the body has %d bytes but %d were announced", h.n, opts.Size)
	}
	sum := h.md5.Sum(nil)
	if opts.ContentMD5 != nil && !bytes.Equal(opts.ContentMD5, sum) {
		return "", osserr.New(osserr.BadDigest, "the Content-MD5 you specified did not match what was received")
	}
	return strings.ToUpper(hex.EncodeToString(sum)), nil
}
