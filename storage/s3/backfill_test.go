package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"hash/crc64"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// TestForeignObjects reads objects another S3 client wrote (no ossemu
// metadata): their CRC-64 is computed and recorded on first access, their
// ETag stays S3's, and their metadata and content are untouched.
func TestForeignObjects(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	b := newBackend(t, cfg, "fx-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "foreign"))
	raw := rawClient(cfg)
	body := randomBytes(300<<10, 9)
	for _, key := range []string{"by-stat.bin", "by-get.bin"} {
		_, err := raw.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: aws.String("fx-foreign"), Key: aws.String(key), Body: bytes.NewReader(body),
			ContentType: aws.String("application/x-test"), Metadata: map[string]string{"origin": "elsewhere"},
		})
		require.NoError(t, err)
	}
	sum := md5.Sum(body)
	wantETag := strings.ToUpper(hex.EncodeToString(sum[:]))
	wantCRC := crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))

	st, err := b.StatObject(ctx, "foreign", "by-stat.bin")
	require.NoError(t, err)
	require.Equal(t, wantCRC, st.CRC64)
	require.Equal(t, wantETag, st.ETag)
	require.Equal(t, map[string]string{"origin": "elsewhere"}, st.UserMeta)
	require.Equal(t, "application/x-test", st.ContentType)

	o, err := b.GetObject(ctx, "foreign", "by-get.bin")
	require.NoError(t, err)
	require.Equal(t, wantCRC, o.Info().CRC64)
	require.Equal(t, wantETag, o.Info().ETag)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	o.Close()
	require.True(t, bytes.Equal(body, got))

	// Recorded: a later HEAD needs no read and reports the same values.
	st, err = b.StatObject(ctx, "foreign", "by-get.bin")
	require.NoError(t, err)
	require.Equal(t, wantCRC, st.CRC64)
	require.Equal(t, wantETag, st.ETag)
	h, err := raw.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("fx-foreign"), Key: aws.String("by-get.bin")})
	require.NoError(t, err)
	require.NotEmpty(t, h.Metadata["ossemu-crc64"])
	require.Equal(t, "elsewhere", h.Metadata["origin"])
}
