package server_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"
)

func v2Client(e *env, ak, sk string, v1 bool, virtual bool) *oss.Client {
	c, _ := v2ClientHTTP(e, ak, sk, v1, virtual)
	return c
}

// v2ClientHTTP also returns the HTTP client the SDK dials with.
func v2ClientHTTP(e *env, ak, sk string, v1 bool, virtual bool) (*oss.Client, *http.Client) {
	hc := http.DefaultClient
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(ak, sk)).
		WithRegion(testRegion).WithEndpoint(e.URL).WithRetryMaxAttempts(1)
	if ak == "" {
		cfg = cfg.WithCredentialsProvider(credentials.NewAnonymousCredentialsProvider())
	}
	if virtual {
		hc = e.hostRewritingClient()
		cfg = cfg.WithEndpoint("http://oss-" + testRegion + ".aliyuncs.com").WithHttpClient(hc)
	}
	if v1 {
		cfg = cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	return oss.NewClient(cfg), hc
}

// TestSDKv2 drives github.com/aliyun/alibabacloud-oss-go-sdk-v2 (default V4,
// and V1) through the core object API.
func TestSDKv2(t *testing.T) {
	t.Parallel()
	for _, m := range []struct {
		name        string
		v1, virtual bool
	}{{"V4/path", false, false}, {"V1/path", true, false}, {"V4/virtual", false, true}} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c, hc := v2ClientHTTP(e, testAK, testSK, m.v1, m.virtual)
			v2Core(t, c, hc)
		})
	}
}

func v2Core(t *testing.T, c *oss.Client, hc *http.Client) {
	ctx := context.Background()
	bucket := oss.Ptr("sdk-v2")
	_, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: bucket})
	require.NoError(t, err)
	lb, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{})
	require.NoError(t, err)
	require.Len(t, lb.Buckets, 1)
	require.Equal(t, "sdk-v2", oss.ToString(lb.Buckets[0].Name))
	bi, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: bucket})
	require.NoError(t, err)
	require.Equal(t, "sdk-v2", oss.ToString(bi.BucketInfo.Name))

	ok, err := c.IsBucketExist(ctx, "sdk-v2")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = c.IsBucketExist(ctx, "no-such-bucket")
	require.NoError(t, err)
	require.False(t, ok)

	keys := []string{"a.txt", "dir/sub/b.txt", "dir/c d+e.txt", "中文/视频.mp4"}
	for _, k := range keys {
		_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: oss.Ptr(k),
			Body: strings.NewReader("body of " + k), ContentType: oss.Ptr("text/plain"),
			Metadata: map[string]string{"owner": "bob"}})
		require.NoError(t, err)
	}
	for _, k := range keys {
		g, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr(k)})
		require.NoError(t, err)
		data, _ := io.ReadAll(g.Body)
		g.Body.Close()
		require.Equal(t, "body of "+k, string(data))
	}
	g, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr("a.txt"), Range: oss.Ptr("bytes=5-6")})
	require.NoError(t, err)
	data, _ := io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, "of", string(data))
	require.Equal(t, "bytes 5-6/13", oss.ToString(g.ContentRange))

	h, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: bucket, Key: oss.Ptr("dir/c d+e.txt")})
	require.NoError(t, err)
	require.Equal(t, int64(len("body of dir/c d+e.txt")), h.ContentLength)
	require.Equal(t, "bob", h.Metadata["Owner"]+h.Metadata["owner"])
	gm, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: bucket, Key: oss.Ptr("a.txt")})
	require.NoError(t, err)
	require.Equal(t, int64(13), gm.ContentLength)
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: bucket, Key: oss.Ptr("missing")})
	requireV2Code(t, err, "NoSuchKey", 404)

	l, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: bucket, Delimiter: oss.Ptr("/")})
	require.NoError(t, err)
	require.Equal(t, []string{"a.txt"}, v2Keys(l.Contents))
	require.Len(t, l.CommonPrefixes, 2)
	require.Equal(t, "中文/", oss.ToString(l.CommonPrefixes[1].Prefix))
	var all []string
	p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: bucket, MaxKeys: 1})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		all = append(all, v2Keys(page.Contents)...)
	}
	require.Equal(t, []string{"a.txt", "dir/c d+e.txt", "dir/sub/b.txt", "中文/视频.mp4"}, all)
	l1, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: bucket, Prefix: oss.Ptr("dir/"), Marker: oss.Ptr("dir/c d+e.txt")})
	require.NoError(t, err)
	require.Equal(t, []string{"dir/sub/b.txt"}, v2Keys(l1.Contents))

	_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: bucket, Key: oss.Ptr("copy/视频 copy.mp4"), SourceKey: oss.Ptr("中文/视频.mp4")})
	require.NoError(t, err)
	g, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr("copy/视频 copy.mp4")})
	require.NoError(t, err)
	data, _ = io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, "body of 中文/视频.mp4", string(data))

	_, err = c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: bucket, Key: oss.Ptr("a.txt")})
	require.NoError(t, err)
	exists, err := c.IsObjectExist(ctx, "sdk-v2", "a.txt")
	require.NoError(t, err)
	require.False(t, exists)
	dm, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: bucket,
		Objects: []oss.DeleteObject{{Key: oss.Ptr("dir/sub/b.txt")}, {Key: oss.Ptr("dir/c d+e.txt")}}})
	require.NoError(t, err)
	var deleted []string
	for _, d := range dm.DeletedObjects {
		deleted = append(deleted, oss.ToString(d.Key))
	}
	sort.Strings(deleted)
	require.Equal(t, []string{"dir/c d+e.txt", "dir/sub/b.txt"}, deleted)

	pr, err := c.Presign(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr("中文/视频.mp4")})
	require.NoError(t, err)
	require.Equal(t, "body of 中文/视频.mp4", presignedGet(t, hc, pr.URL))

	// Uploader: 20 MB in 1 MB parts; the SDK checks the CRC64.
	src, payload := randomFile(t, 20<<20)
	up := c.NewUploader(func(o *oss.UploaderOptions) { o.PartSize = 1 << 20; o.ParallelNum = 3 })
	_, err = up.UploadFile(ctx, &oss.PutObjectRequest{Bucket: bucket, Key: oss.Ptr("big/video.bin")}, src)
	require.NoError(t, err)
	h, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: bucket, Key: oss.Ptr("big/video.bin")})
	require.NoError(t, err)
	require.Equal(t, int64(len(payload)), h.ContentLength)
	require.Equal(t, fmt.Sprint(crc64.Checksum(payload, crc64.MakeTable(crc64.ECMA))), oss.ToString(h.HashCRC64))
	g, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr("big/video.bin"), Range: oss.Ptr("bytes=1048570-1048589")})
	require.NoError(t, err)
	data, _ = io.ReadAll(g.Body)
	g.Body.Close()
	require.True(t, bytes.Equal(payload[1048570:1048590], data))

	dst := filepath.Join(t.TempDir(), "down.bin")
	d := c.NewDownloader(func(o *oss.DownloaderOptions) { o.PartSize = 1 << 20; o.ParallelNum = 3 })
	_, err = d.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: bucket, Key: oss.Ptr("big/video.bin")}, dst)
	require.NoError(t, err)
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	require.True(t, bytes.Equal(payload, got))

	_, err = c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: bucket})
	requireV2Code(t, err, "BucketNotEmpty", 409)
}

func v2Keys(objs []oss.ObjectProperties) []string {
	var out []string
	for _, o := range objs {
		out = append(out, oss.ToString(o.Key))
	}
	return out
}

func requireV2Code(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var se *oss.ServiceError
	require.True(t, errors.As(err, &se), "want *oss.ServiceError, got %T: %v", err, err)
	require.Equal(t, code, se.Code)
	require.Equal(t, status, se.StatusCode)
	require.Len(t, se.RequestID, 24)
	require.NotEmpty(t, se.EC)
}

func TestSDKv2Credentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "creds")
	ctx := context.Background()
	_, err := v2Client(e, testAK, testSK, false, false).PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("creds"), Key: oss.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	for _, v1 := range []bool{false, true} {
		bad := v2Client(e, testAK, "wrong-secret", v1, false)
		_, err := bad.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("creds"), Key: oss.Ptr("k")})
		requireV2Code(t, err, "SignatureDoesNotMatch", 403)
		_, err = bad.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("creds"), Key: oss.Ptr("k")})
		requireV2Code(t, err, "SignatureDoesNotMatch", 403)
	}
	anon := v2Client(e, "", "", false, false)
	_, err = anon.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("creds"), Key: oss.Ptr("k")})
	requireV2Code(t, err, "AccessDenied", 403)
}
