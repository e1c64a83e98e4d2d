package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// The S3 dialect driven by aws-sdk-go-v2's S3 client, unchanged but for
// the endpoint, against the emulator process.

// s3Client returns an aws-sdk-go-v2 S3 client for endpoint with the
// emulator's keys (secret overrides the secret when set), no retries, and
// hc as its HTTP client (nil for the SDK's own).
func s3Client(endpoint, secret string, pathStyle bool, hc *http.Client) *s3.Client {
	if secret == "" {
		secret = testSK
	}
	// The checksum settings are what config.LoadDefaultConfig gives every
	// application: CRC32 on uploads, validated downloads.
	opts := s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: pathStyle,
		Credentials:                awscreds.NewStaticCredentialsProvider(testAK, secret, ""),
		RetryMaxAttempts:           1,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	if hc != nil {
		opts.HTTPClient = hc
	}
	return s3.New(opts)
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func s3Get(ctx context.Context, t *testing.T, c *s3.Client, bucket, key string) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return data, out
}

// TestS3GoSDK covers the object calls an S3 application makes: put with
// metadata, head, ranged get, ListObjectsV2 with a delimiter and paging,
// copy, delete-multiple, multipart, presigned GET and PUT, and a wrong
// secret; path-style and virtual-hosted (<bucket>.localhost).
func TestS3GoSDK(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "s3go", "s3go-vhost")
	for _, tc := range []struct {
		name, bucket string
		client       func(secret string) *s3.Client
	}{
		{"path", "s3go", func(secret string) *s3.Client { return s3Client(e.URL, secret, true, nil) }},
		{"vhost", "s3go-vhost", func(secret string) *s3.Client {
			return s3Client("http://localhost:"+e.Port, secret, false, &http.Client{Transport: newLocalhostTransport()})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s3GoSDKCalls(t, tc.client, tc.bucket)
		})
	}
}

// s3GoSDKCalls runs the calls with a client newClient("") makes;
// newClient(secret) makes one with another secret.
func s3GoSDKCalls(t *testing.T, newClient func(secret string) *s3.Client, bucket string) {
	ctx := t.Context()
	c := newClient("")
	b := aws.String(bucket)
	body := randomBytes(t, 100_000)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("dir/a b+c.bin"), Body: bytes.NewReader(body),
		ContentType: aws.String("application/x-test"), Metadata: map[string]string{"owner": "alice"}})
	require.NoError(t, err)

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("dir/a b+c.bin")})
	require.NoError(t, err)
	require.EqualValues(t, len(body), aws.ToInt64(head.ContentLength))
	require.Equal(t, "application/x-test", aws.ToString(head.ContentType))
	require.Equal(t, map[string]string{"owner": "alice"}, head.Metadata)

	rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a b+c.bin"), Range: aws.String("bytes=10-19")})
	require.NoError(t, err)
	part, err := io.ReadAll(rng.Body)
	rng.Body.Close()
	require.NoError(t, err)
	require.Equal(t, body[10:20], part)
	require.Equal(t, "bytes 10-19/100000", aws.ToString(rng.ContentRange))

	for i := range 5 {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("list/k" + string(rune('0'+i))), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("list/sub/deep"), Body: strings.NewReader("y")})
	require.NoError(t, err)
	var keys, prefixes []string
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("list/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		n++
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, p := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(p.Prefix))
		}
	}
	require.Equal(t, []string{"list/k0", "list/k1", "list/k2", "list/k3", "list/k4"}, keys)
	require.Equal(t, []string{"list/sub/"}, prefixes)
	require.Equal(t, 3, n, "pages of two")
	owned, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("dir/"), FetchOwner: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, owned.Contents, 1)
	require.NotNil(t, owned.Contents[0].Owner)
	require.EqualValues(t, len(body), aws.ToInt64(owned.Contents[0].Size))

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.bin"),
		CopySource: aws.String(bucket + "/" + url.PathEscape("dir/a b+c.bin"))})
	require.NoError(t, err)
	got, out := s3Get(ctx, t, c, bucket, "copy.bin")
	require.Equal(t, body, got)
	require.Equal(t, map[string]string{"owner": "alice"}, out.Metadata)

	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("list/k0")}, {Key: aws.String("list/k1")}, {Key: aws.String("never-there")},
	}}})
	require.NoError(t, err)
	require.Len(t, del.Deleted, 3)
	require.Empty(t, del.Errors)
	left, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("list/k")})
	require.NoError(t, err)
	require.EqualValues(t, 3, aws.ToInt32(left.KeyCount))

	s3Multipart(t, c, bucket)
	s3Presigned(t, c, bucket)

	_, err = newClient("wrong-secret").ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	requireS3Error(t, err, "SignatureDoesNotMatch", http.StatusForbidden)
	_, err = newClient("wrong-secret").PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("intruder"), Body: strings.NewReader("no")})
	requireS3Error(t, err, "SignatureDoesNotMatch", http.StatusForbidden)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("intruder")})
	requireS3Error(t, err, "NotFound", http.StatusNotFound)
}

// requireS3Error checks the code, status and request id an S3 error
// carries, as aws-sdk-go-v2 decodes them.
func requireS3Error(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	require.Equal(t, code, api.ErrorCode())
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "%v", err)
	require.Equal(t, status, re.HTTPStatusCode())
	require.Len(t, re.ServiceRequestID(), 24, "x-amz-request-id")
}

func s3Multipart(t *testing.T, c *s3.Client, bucket string) {
	ctx := t.Context()
	b, k := aws.String(bucket), aws.String("multi.bin")
	body := randomBytes(t, 11<<20)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k, Metadata: map[string]string{"parts": "three"}})
	require.NoError(t, err)
	var parts []types.CompletedPart
	for i, off := 0, 0; off < len(body); i, off = i+1, off+5<<20 {
		end := min(off+5<<20, len(body))
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(body[off:end])})
		require.NoError(t, err)
		parts = append(parts, types.CompletedPart{ETag: p.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	listed, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: up.UploadId})
	require.NoError(t, err)
	require.Len(t, listed.Parts, 3)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(strings.Trim(aws.ToString(done.ETag), `"`), "-3"), aws.ToString(done.ETag))
	got, out := s3Get(ctx, t, c, bucket, "multi.bin")
	require.True(t, bytes.Equal(body, got), "multipart object differs")
	require.Equal(t, "three", out.Metadata["parts"])
}

func s3Presigned(t *testing.T, c *s3.Client, bucket string) {
	ctx := t.Context()
	ps := s3.NewPresignClient(c)
	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("presigned.txt")},
		s3.WithPresignExpires(5*time.Minute))
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, put.Method, put.URL, strings.NewReader("via presigned PUT"))
	require.NoError(t, err)
	for k, v := range put.SignedHeader {
		req.Header[k] = v
	}
	hc := c.Options().HTTPClient
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	get, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("presigned.txt")})
	require.NoError(t, err)
	require.Contains(t, get.URL, "X-Amz-Signature=")
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, get.URL, nil)
	require.NoError(t, err)
	resp, err = hc.Do(req)
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	require.Equal(t, "via presigned PUT", string(data))

	// A changed key breaks the signature.
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, strings.Replace(get.URL, "presigned.txt", "presigned.txu", 1), nil)
	require.NoError(t, err)
	resp, err = hc.Do(req)
	require.NoError(t, err)
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(data), "<Code>SignatureDoesNotMatch</Code>")
}
