package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"
)

func v2Client(f *fakeOSS, version oss.SignatureVersionType, virtual bool, id, secret string) (*oss.Client, *http.Client) {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret)).
		WithRegion("cn-hangzhou").
		WithSignatureVersion(version).
		WithRetryMaxAttempts(1).
		WithAdditionalHeaders([]string{"Cache-Control", "Content-Length", "Range"})
	httpc := http.DefaultClient
	if virtual {
		httpc = f.hostClient()
		cfg = cfg.WithEndpoint("http://localhost:" + f.port()).WithHttpClient(httpc)
	} else {
		cfg = cfg.WithEndpoint(f.URL).WithUsePathStyle(true)
	}
	return oss.NewClient(cfg), httpc
}

func TestSDKv2RoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		version oss.SignatureVersionType
		virtual bool
	}{
		{"V4 path style", oss.SignatureVersionV4, false},
		{"V1 path style", oss.SignatureVersionV1, false},
		{"V4 virtual-hosted", oss.SignatureVersionV4, true},
		{"V1 virtual-hosted", oss.SignatureVersionV1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFakeOSS(t)
			c, httpc := v2Client(f, tc.version, tc.virtual, testID, testSecret)
			bucket := oss.Ptr("media")

			for _, key := range testKeys {
				_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: oss.Ptr(key),
					ContentType: oss.Ptr("video/mp4"), CacheControl: oss.Ptr("no-cache"),
					Metadata: map[string]string{"author": "alice"}, Body: strings.NewReader("hello")})
				require.NoError(t, err, key)
				got, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr(key),
					Range: oss.Ptr("bytes=0-3"), ResponseContentType: oss.Ptr("text/plain"),
					ResponseContentDisposition: oss.Ptr(`attachment; filename="a b.mp4"`)})
				require.NoError(t, err, key)
				data, err := io.ReadAll(got.Body)
				require.NoError(t, err)
				require.NoError(t, got.Body.Close())
				require.Equal(t, "hello", string(data))
				_, err = c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: bucket, Key: oss.Ptr(key)})
				require.NoError(t, err, key)
			}
			_, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: bucket, Prefix: oss.Ptr("视频/"),
				Delimiter: oss.Ptr("/"), MaxKeys: 10, ContinuationToken: oss.Ptr("tok+en/=="), StartAfter: oss.Ptr("a b")})
			require.NoError(t, err)
			up, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: bucket, Key: oss.Ptr("big file.mp4")})
			require.NoError(t, err)
			_, err = c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: bucket, Key: oss.Ptr("big file.mp4"),
				UploadId: up.UploadId, PartNumber: 1, Body: strings.NewReader("part")})
			require.NoError(t, err)
			res, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{Bucket: bucket,
				Key: oss.Ptr("in/clip.mp4"), AsyncProcess: oss.Ptr(asyncProcess)})
			require.NoError(t, err)
			require.Equal(t, "MediaConvert-1", res.TaskId)

			// Presigned GET and PUT; the PUT carries the headers it signed.
			for _, key := range testKeys {
				pg, err := c.Presign(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr(key),
					ResponseContentType: oss.Ptr("video/mp4")}, oss.PresignExpires(10*time.Minute))
				require.NoError(t, err)
				resp, err := httpc.Get(pg.URL)
				require.NoError(t, err)
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", pg.URL, body)

				pp, err := c.Presign(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: oss.Ptr(key),
					ContentType: oss.Ptr("video/mp4"), Metadata: map[string]string{"author": "alice"}})
				require.NoError(t, err)
				req, err := http.NewRequest(pp.Method, pp.URL, strings.NewReader("hello"))
				require.NoError(t, err)
				for k, v := range pp.SignedHeaders {
					req.Header.Set(k, v)
				}
				resp, err = httpc.Do(req)
				require.NoError(t, err)
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", pp.URL, body)
			}

			// 7 keys × 3 calls + list + initiate + part + async + 7 × 2 presigned.
			require.Len(t, f.snapshot(t), len(testKeys)*3+4+2*len(testKeys))

			bad, _ := v2Client(f, tc.version, tc.virtual, testID, "wrong-secret")
			_, err = bad.PutObject(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: oss.Ptr("x.mp4"), Body: strings.NewReader("x")})
			var se *oss.ServiceError
			require.True(t, errors.As(err, &se), "got %v", err)
			require.Equal(t, "SignatureDoesNotMatch", se.Code)
			require.Equal(t, http.StatusForbidden, se.StatusCode)

			unknown, _ := v2Client(f, tc.version, tc.virtual, "LTAI-nobody", testSecret)
			_, err = unknown.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: bucket})
			require.True(t, errors.As(err, &se), "got %v", err)
			require.Equal(t, "InvalidAccessKeyId", se.Code)
		})
	}
}
