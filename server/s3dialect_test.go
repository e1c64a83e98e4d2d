package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOSSCopySource(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"bucket/key.txt":                    "/bucket%2Fkey.txt",
		"/bucket/dir/a%20b%2Bc.bin":         "/bucket%2Fdir%2Fa+b%2Bc.bin",
		"bucket/a+b.txt":                    "/bucket%2Fa%2Bb.txt", // '+' is a plus in S3's encoding
		"bucket/%E4%B8%AD.mp4?versionId=v1": "/bucket%2F%E4%B8%AD.mp4?versionId=v1",
	} {
		got := ossCopySource(in)
		require.Equal(t, want, got, in)
		b, k, err := parseCopySource(got)
		require.NoError(t, err)
		require.Equal(t, "bucket", b)
		require.NotEmpty(t, k)
	}
	_, k, err := parseCopySource(ossCopySource("bucket/dir/a%20b+c.bin"))
	require.NoError(t, err)
	require.Equal(t, "dir/a b+c.bin", k)
}

// TestS3DialectHeaders checks the translation both ways: x-amz-* request
// headers gain their x-oss-* twins only on S3-signed requests, and the
// response's x-oss-meta-* come out as lower-case x-amz-meta-* next to
// x-amz-request-id.
func TestS3DialectHeaders(t *testing.T) {
	t.Parallel()
	s := &Server{}
	r := httptest.NewRequest("PUT", "/b/k", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=ak/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")
	r.Header.Set("X-Amz-Meta-Camera", "front")
	r.Header.Set("X-Amz-Copy-Source", "src/a.txt")
	r.Header.Set("X-Amz-Metadata-Directive", "REPLACE")
	rec := httptest.NewRecorder()
	w, r := s.s3Dialect(rec, r)
	require.Equal(t, "front", r.Header.Get("x-oss-meta-camera"))
	require.Equal(t, "/src%2Fa.txt", r.Header.Get("x-oss-copy-source"))
	require.Equal(t, "REPLACE", r.Header.Get("x-oss-metadata-directive"))
	w.Header().Set("x-oss-meta-camera", "front")
	w.Header().Set("x-oss-request-id", "ABC")
	w.WriteHeader(http.StatusOK)
	//lint:ignore SA1008 the dialect writes the name in lower case on purpose (boto3 keeps its case)
	require.Equal(t, []string{"front"}, rec.Header()["x-amz-meta-camera"])
	require.Empty(t, rec.Header().Get("x-oss-meta-camera"))
	require.Equal(t, "ABC", rec.Header().Get("x-amz-request-id"))

	oss := httptest.NewRequest("PUT", "/b/k", nil)
	oss.Header.Set("Authorization", "OSS ak:sig")
	oss.Header.Set("X-Amz-Meta-Camera", "front")
	rec = httptest.NewRecorder()
	w, oss = s.s3Dialect(rec, oss)
	require.Empty(t, oss.Header.Get("x-oss-meta-camera"), "OSS requests are left alone")
	require.Same(t, rec, w.(*httptest.ResponseRecorder))
}
