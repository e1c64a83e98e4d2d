package e2e

import (
	"bytes"
	"io"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// TestS3AndOSSShareObjects writes with one dialect and reads with the
// other: bytes, content type and user metadata (x-amz-meta-* is
// x-oss-meta-*) come back identical both ways, for a single PUT, an S3
// multipart upload and an OSS-written object.
func TestS3AndOSSShareObjects(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "cross")
	ctx := t.Context()
	s3c := s3Client(e.URL, "", true, nil)
	ossc := e.v2()
	bucket := aws.String("cross")

	small := randomBytes(t, 300_000)
	_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("from-s3.bin"), Body: bytes.NewReader(small),
		ContentType: aws.String("video/mp4"), Metadata: map[string]string{"camera": "front", "take": "3"}})
	require.NoError(t, err)
	got, err := ossc.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: aws.String("from-s3.bin")})
	require.NoError(t, err)
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(small, data), "OSS SDK read differs from what the S3 client wrote")
	require.Equal(t, "video/mp4", aws.ToString(got.ContentType))
	require.Equal(t, map[string]string{"camera": "front", "take": "3"}, got.Metadata)

	s3Multipart(t, s3c, "cross")
	body, _ := s3Get(ctx, t, s3c, "cross", "multi.bin")
	head, err := ossc.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: bucket, Key: aws.String("multi.bin")})
	require.NoError(t, err)
	require.Equal(t, "three", head.Metadata["parts"])
	got, err = ossc.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: aws.String("multi.bin")})
	require.NoError(t, err)
	data, err = io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(body, data))

	fromOSS := randomBytes(t, 200_000)
	_, err = ossc.PutObject(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: aws.String("from-oss.bin"), Body: bytes.NewReader(fromOSS),
		ContentType: aws.String("image/png"), Metadata: map[string]string{"author": "bob"}})
	require.NoError(t, err)
	back, out := s3Get(ctx, t, s3c, "cross", "from-oss.bin")
	require.True(t, bytes.Equal(fromOSS, back), "S3 client read differs from what the OSS SDK wrote")
	require.Equal(t, "image/png", aws.ToString(out.ContentType))
	require.Equal(t, map[string]string{"author": "bob"}, out.Metadata)
	require.EqualValues(t, len(fromOSS), aws.ToInt64(out.ContentLength))
}
