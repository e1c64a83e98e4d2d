package server_test

import (
	"bytes"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestSDKv1 drives github.com/aliyun/aliyun-oss-go-sdk through the core
// object API in every signing and addressing mode it supports.
func TestSDKv1(t *testing.T) {
	t.Parallel()
	modes := []struct {
		name    string
		v4      bool
		virtual bool
	}{
		{"V1/path", false, false},
		{"V4/path", true, false},
		{"V1/virtual", false, true},
		{"V4/virtual", true, true},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			endpoint := e.URL
			httpClient := http.DefaultClient
			var opts []oss.ClientOption
			if m.virtual {
				endpoint = "http://oss-" + testRegion + ".aliyuncs.com"
				httpClient = e.hostRewritingClient()
				opts = append(opts, oss.HTTPClient(httpClient))
			}
			if m.v4 {
				opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(testRegion))
			}
			client, err := oss.New(endpoint, testAK, testSK, opts...)
			require.NoError(t, err)
			v1Core(t, client, httpClient)
		})
	}
}

func v1Core(t *testing.T, client *oss.Client, httpClient *http.Client) {
	require.NoError(t, client.CreateBucket("sdk-v1"))
	res, err := client.ListBuckets()
	require.NoError(t, err)
	require.Len(t, res.Buckets, 1)
	require.Equal(t, "sdk-v1", res.Buckets[0].Name)
	info, err := client.GetBucketInfo("sdk-v1")
	require.NoError(t, err)
	require.Equal(t, "oss-"+testRegion, info.BucketInfo.Location)
	loc, err := client.GetBucketLocation("sdk-v1")
	require.NoError(t, err)
	require.Equal(t, "oss-"+testRegion, loc)

	b, err := client.Bucket("sdk-v1")
	require.NoError(t, err)
	keys := []string{"a.txt", "dir/sub/b.txt", "dir/c d+e.txt", "中文/视频.mp4", "dir/x%2Fy"}
	for _, k := range keys {
		require.NoError(t, b.PutObject(k, strings.NewReader("body of "+k),
			oss.ContentType("text/plain"), oss.Meta("Owner", "alice")))
	}
	for _, k := range keys {
		r, err := b.GetObject(k)
		require.NoError(t, err)
		data, err := io.ReadAll(r)
		r.Close()
		require.NoError(t, err)
		require.Equal(t, "body of "+k, string(data))
	}
	// Range get.
	r, err := b.GetObject("a.txt", oss.Range(5, 6))
	require.NoError(t, err)
	data, _ := io.ReadAll(r)
	r.Close()
	require.Equal(t, "of", string(data))
	// Head.
	h, err := b.GetObjectDetailedMeta("dir/c d+e.txt")
	require.NoError(t, err)
	require.Equal(t, "text/plain", h.Get("Content-Type"))
	require.Equal(t, "alice", h.Get("X-Oss-Meta-Owner"))
	require.Equal(t, fmt.Sprint(len("body of dir/c d+e.txt")), h.Get("Content-Length"))
	m, err := b.GetObjectMeta("a.txt")
	require.NoError(t, err)
	require.NotEmpty(t, m.Get("ETag"))
	_, err = b.GetObjectDetailedMeta("missing")
	requireV1Code(t, err, "NoSuchKey", 404)

	// List with delimiter and non-ASCII keys.
	lr, err := b.ListObjects(oss.Delimiter("/"))
	require.NoError(t, err)
	require.Equal(t, []string{"a.txt"}, v1Keys(lr.Objects))
	require.Equal(t, []string{"dir/", "中文/"}, lr.CommonPrefixes)
	lr, err = b.ListObjects(oss.Prefix("dir/"), oss.MaxKeys(2))
	require.NoError(t, err)
	require.True(t, lr.IsTruncated)
	require.Equal(t, []string{"dir/c d+e.txt", "dir/sub/b.txt"}, v1Keys(lr.Objects))
	lr, err = b.ListObjects(oss.Prefix("dir/"), oss.Marker(lr.NextMarker))
	require.NoError(t, err)
	require.Equal(t, []string{"dir/x%2Fy"}, v1Keys(lr.Objects))
	l2, err := b.ListObjectsV2(oss.Prefix("中文/"))
	require.NoError(t, err)
	require.Equal(t, []string{"中文/视频.mp4"}, v1Keys(l2.Objects))

	// Copy, delete, delete-multiple.
	_, err = b.CopyObject("dir/c d+e.txt", "copy/c d+e.txt")
	require.NoError(t, err)
	r, err = b.GetObject("copy/c d+e.txt")
	require.NoError(t, err)
	data, _ = io.ReadAll(r)
	r.Close()
	require.Equal(t, "body of dir/c d+e.txt", string(data))
	require.NoError(t, b.DeleteObject("a.txt"))
	ok, err := b.IsObjectExist("a.txt")
	require.NoError(t, err)
	require.False(t, ok)
	del, err := b.DeleteObjects([]string{"dir/sub/b.txt", "dir/x%2Fy", "never-existed"})
	require.NoError(t, err)
	sort.Strings(del.DeletedObjects)
	require.Equal(t, []string{"dir/sub/b.txt", "dir/x%2Fy", "never-existed"}, del.DeletedObjects)
	lr, err = b.ListObjects()
	require.NoError(t, err)
	require.Equal(t, []string{"copy/c d+e.txt", "dir/c d+e.txt", "中文/视频.mp4"}, v1Keys(lr.Objects))

	// Presigned GET works without other credentials.
	signed, err := b.SignURL("中文/视频.mp4", oss.HTTPGet, 60)
	require.NoError(t, err)
	require.Equal(t, "body of 中文/视频.mp4", presignedGet(t, httpClient, signed))

	// UploadFile: 20 MB in 1 MB parts, 3 routines; CRC checked by the SDK.
	src, payload := randomFile(t, 20<<20)
	require.NoError(t, b.UploadFile("big/video.bin", src, 1<<20, oss.Routines(3)))
	h, err = b.GetObjectDetailedMeta("big/video.bin")
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(len(payload)), h.Get("Content-Length"))
	require.Equal(t, fmt.Sprint(crc64.Checksum(payload, crc64.MakeTable(crc64.ECMA))), h.Get("X-Oss-Hash-Crc64ecma"))
	require.True(t, strings.HasSuffix(strings.Trim(h.Get("ETag"), `"`), "-20"), h.Get("ETag"))
	r, err = b.GetObject("big/video.bin", oss.Range(10<<20, 10<<20+99))
	require.NoError(t, err)
	data, _ = io.ReadAll(r)
	r.Close()
	require.True(t, bytes.Equal(payload[10<<20:10<<20+100], data))
	// DownloadFile: parallel range GETs, CRC combined and checked by the SDK.
	dst := filepath.Join(t.TempDir(), "down.bin")
	require.NoError(t, b.DownloadFile("big/video.bin", dst, 1<<20, oss.Routines(3)))
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	require.True(t, bytes.Equal(payload, got))

	// CopyFile uses UploadPartCopy with source ranges.
	require.NoError(t, b.CopyFile("sdk-v1", "big/video.bin", "big/copy.bin", 3<<20, oss.Routines(2)))
	hc, err := b.GetObjectDetailedMeta("big/copy.bin")
	require.NoError(t, err)
	require.Equal(t, h.Get("X-Oss-Hash-Crc64ecma"), hc.Get("X-Oss-Hash-Crc64ecma"))
	require.Equal(t, h.Get("Content-Length"), hc.Get("Content-Length"))
	ups, err := b.ListMultipartUploads()
	require.NoError(t, err)
	require.Empty(t, ups.Uploads)

	// A bucket with objects cannot be deleted.
	err = client.DeleteBucket("sdk-v1")
	requireV1Code(t, err, "BucketNotEmpty", 409)
}

func v1Keys(objs []oss.ObjectProperties) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	return out
}

func requireV1Code(t *testing.T, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	se, ok := err.(oss.ServiceError)
	require.True(t, ok, "want oss.ServiceError, got %T: %v", err, err)
	require.Equal(t, code, se.Code)
	require.Equal(t, status, se.StatusCode)
	require.Len(t, se.RequestID, 24)
}

func TestSDKv1Credentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "creds")
	good, err := oss.New(e.URL, testAK, testSK)
	require.NoError(t, err)
	gb, _ := good.Bucket("creds")
	require.NoError(t, gb.PutObject("k", strings.NewReader("v")))

	for _, v4 := range []bool{false, true} {
		opts := []oss.ClientOption{}
		if v4 {
			opts = append(opts, oss.AuthVersion(oss.AuthV4), oss.Region(testRegion))
		}
		bad, err := oss.New(e.URL, testAK, "wrong-secret", opts...)
		require.NoError(t, err)
		bb, _ := bad.Bucket("creds")
		_, err = bb.GetObject("k")
		requireV1Code(t, err, "SignatureDoesNotMatch", 403)
		_, err = bb.GetObjectDetailedMeta("k") // HEAD: error from x-oss-err
		requireV1Code(t, err, "SignatureDoesNotMatch", 403)
		unknown, _ := oss.New(e.URL, "nobody", testSK, opts...)
		ub, _ := unknown.Bucket("creds")
		_, err = ub.GetObject("k")
		requireV1Code(t, err, "InvalidAccessKeyId", 403)
	}
	// The v1 SDK always signs (even with an empty key), so an anonymous
	// GET is a plain HTTP request, as a browser would send.
	resp, err := http.Get(e.URL + "/creds/k")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "<Code>AccessDenied</Code>")
	require.Equal(t, "0003-00000001", resp.Header.Get("x-oss-ec"))
}

// TestSDKv1LocalhostAndDomain uses the hosts ossemu documents for
// virtual-hosted access: <bucket>.localhost and <bucket>.<--domain>.
func TestSDKv1LocalhostAndDomain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "vhost")
	_, port, _ := strings.Cut(e.Addr, ":")
	for _, endpoint := range []string{"http://localhost:" + port, "http://oss.test:" + port} {
		client, err := oss.New(endpoint, testAK, testSK, oss.HTTPClient(e.hostRewritingClient()))
		require.NoError(t, err)
		b, err := client.Bucket("vhost")
		require.NoError(t, err)
		require.NoError(t, b.PutObject("dir/k.txt", strings.NewReader(endpoint)))
		r, err := b.GetObject("dir/k.txt")
		require.NoError(t, err)
		data, _ := io.ReadAll(r)
		r.Close()
		require.Equal(t, endpoint, string(data))
		lr, err := b.ListObjects(oss.Prefix("dir/"))
		require.NoError(t, err)
		require.Equal(t, []string{"dir/k.txt"}, v1Keys(lr.Objects))
	}
}

// Presigned PUT URLs from both Go SDKs upload without other credentials.
func TestPresignedPut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "presign")
	put := func(u, body string) {
		req, err := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, string(msg))
	}
	client, err := oss.New(e.URL, testAK, testSK)
	require.NoError(t, err)
	b, _ := client.Bucket("presign")
	u, err := b.SignURL("v1/up load.txt", oss.HTTPPut, 60)
	require.NoError(t, err)
	put(u, "from v1 presign")

	c2 := v2Client(e, testAK, testSK, false, false)
	pr, err := c2.Presign(t.Context(), &ossv2.PutObjectRequest{Bucket: ossv2.Ptr("presign"), Key: ossv2.Ptr("v2/up load.txt")})
	require.NoError(t, err)
	put(pr.URL, "from v2 presign")

	for k, want := range map[string]string{"v1/up load.txt": "from v1 presign", "v2/up load.txt": "from v2 presign"} {
		r, err := b.GetObject(k)
		require.NoError(t, err)
		data, _ := io.ReadAll(r)
		r.Close()
		require.Equal(t, want, string(data))
	}
}
