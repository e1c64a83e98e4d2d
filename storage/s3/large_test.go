package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// onlyReader hides io.Seeker/WriterTo so the backend sees a plain stream of
// unknown length, like a chunked request body.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// errAfter is a client that disconnects.
type errAfter struct{}

func (errAfter) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// TestLargePut streams bodies longer than one part (S3 multipart under the
// hood): the OSS ETag is still the content MD5, the CRC-64 is kept, and a
// body failing its MD5 leaves the old object in place.
func TestLargePut(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	cfg.PartSize = 5 << 20
	b := newBackend(t, cfg, "big-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "large"))
	body := randomBytes(11<<20+12345, 1)
	sum := md5.Sum(body)
	info, err := b.PutObject(ctx, "large", "v/clip.mp4", onlyReader{bytes.NewReader(body)}, storage.PutOptions{
		Size: -1, ContentMD5: sum[:], ContentType: "video/mp4", UserMeta: map[string]string{"take": "2"},
		Headers: map[string]string{"Content-Disposition": "attachment"},
	})
	require.NoError(t, err)
	wantETag := strings.ToUpper(hex.EncodeToString(sum[:]))
	wantCRC := crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))
	require.Equal(t, wantETag, info.ETag)
	require.Equal(t, wantCRC, info.CRC64)
	st, err := b.StatObject(ctx, "large", "v/clip.mp4")
	require.NoError(t, err)
	require.Equal(t, int64(len(body)), st.Size)
	require.Equal(t, wantETag, st.ETag)
	require.Equal(t, wantCRC, st.CRC64)
	require.Equal(t, "video/mp4", st.ContentType)
	require.Equal(t, map[string]string{"take": "2"}, st.UserMeta)
	require.Equal(t, map[string]string{"Content-Disposition": "attachment"}, st.Headers)
	o, err := b.GetObject(ctx, "large", "v/clip.mp4")
	require.NoError(t, err)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.NoError(t, o.Close())
	require.True(t, bytes.Equal(body, got))

	bad := md5.Sum([]byte("other"))
	_, err = b.PutObject(ctx, "large", "v/clip.mp4", onlyReader{bytes.NewReader(randomBytes(6<<20, 2))}, storage.PutOptions{Size: -1, ContentMD5: bad[:]})
	requireCode(t, err, osserr.BadDigest)
	_, err = b.PutObject(ctx, "large", "v/clip.mp4", onlyReader{bytes.NewReader(randomBytes(6<<20, 3))}, storage.PutOptions{Size: 7 << 20})
	requireCode(t, err, osserr.IncompleteBody)
	cut := io.MultiReader(bytes.NewReader(randomBytes(12<<20, 4)), errAfter{})
	_, err = b.PutObject(ctx, "large", "v/clip.mp4", cut, storage.PutOptions{Size: -1})
	requireCode(t, err, osserr.IncompleteBody)
	st, err = b.StatObject(ctx, "large", "v/clip.mp4")
	require.NoError(t, err)
	require.Equal(t, wantETag, st.ETag, "failed overwrites change nothing")
	ups, err := b.ListUploads(ctx, "large", storage.UploadListOptions{})
	require.NoError(t, err)
	require.Empty(t, ups.Uploads, "failed streamed puts abort their S3 uploads")
}

// TestMultipartMixedSizes assembles OSS parts of every size class: a part
// over S3's 5 MiB minimum (server-side copy), runs of 100 KiB parts
// (concatenated), and a small last part.
func TestMultipartMixedSizes(t *testing.T) {
	t.Parallel()
	b := newBackend(t, s3test.Start(t), "mix-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "mixed"))
	up, err := b.InitiateUpload(ctx, "mixed", "out.mp4", storage.PutOptions{ContentType: "video/mp4"})
	require.NoError(t, err)
	sizes := []int{100 << 10, 6 << 20, 100 << 10, 100 << 10, 5 << 20, 1234}
	var whole, md5s []byte
	var parts []storage.CompletePart
	for i, n := range sizes {
		body := randomBytes(n, uint64(10+i))
		p, err := b.UploadPart(ctx, "mixed", "out.mp4", up.UploadID, i+1, bytes.NewReader(body), storage.PutOptions{Size: int64(n)})
		require.NoError(t, err)
		require.Equal(t, crc64.Checksum(body, crc64.MakeTable(crc64.ECMA)), p.CRC64)
		whole = append(whole, body...)
		sum := md5.Sum(body)
		md5s = append(md5s, sum[:]...)
		parts = append(parts, storage.CompletePart{PartNumber: i + 1, ETag: p.ETag})
	}
	pp, err := b.ListParts(ctx, "mixed", "out.mp4", up.UploadID, storage.PartListOptions{})
	require.NoError(t, err)
	require.Len(t, pp.Parts, len(sizes))
	require.Equal(t, int64(6<<20), pp.Parts[1].Size)
	info, err := b.CompleteUpload(ctx, "mixed", "out.mp4", up.UploadID, parts)
	require.NoError(t, err)
	etag := md5.Sum(md5s)
	require.Equal(t, fmt.Sprintf("%s-%d", strings.ToUpper(hex.EncodeToString(etag[:])), len(sizes)), info.ETag)
	require.Equal(t, crc64.Checksum(whole, crc64.MakeTable(crc64.ECMA)), info.CRC64)
	st, err := b.StatObject(ctx, "mixed", "out.mp4")
	require.NoError(t, err)
	require.Equal(t, info.ETag, st.ETag)
	require.Equal(t, info.CRC64, st.CRC64)
	require.Equal(t, len(sizes), st.PartCount)
	require.Equal(t, "video/mp4", st.ContentType)
	o, err := b.GetObject(ctx, "mixed", "out.mp4")
	require.NoError(t, err)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	o.Close()
	require.True(t, bytes.Equal(whole, got))
	require.NoError(t, b.DeleteObject(ctx, "mixed", "out.mp4"))
	require.NoError(t, b.DeleteBucket(ctx, "mixed"), "no object or upload is left")
}
