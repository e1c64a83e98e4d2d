package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

// recorder remembers the x-amz-content-sha256 of every request and can
// flip one byte of the next request body, to show what the server does
// with a body that is not what was signed.
type recorder struct {
	base    http.RoundTripper
	mu      sync.Mutex
	hashes  []string
	corrupt bool
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rc.mu.Lock()
	rc.hashes = append(rc.hashes, r.Header.Get("X-Amz-Content-Sha256"))
	corrupt := rc.corrupt
	rc.corrupt = false
	rc.mu.Unlock()
	if corrupt && r.Body != nil {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		data[len(data)/2] ^= 1
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	return rc.base.RoundTrip(r)
}

func (rc *recorder) seen() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.hashes...)
}

// TestS3GoSDKPayloads checks the body forms aws-sdk-go-v2 sends: a signed
// SHA-256 over plain HTTP and, over TLS (a TLS-terminating proxy in front
// of the emulator), STREAMING-UNSIGNED-PAYLOAD-TRAILER aws-chunked bodies
// with a CRC32 trailer, its default. A body changed on the way is refused
// and nothing is stored.
func TestS3GoSDKPayloads(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "s3pay")
	target, err := url.Parse(e.URL)
	require.NoError(t, err)
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)

	for _, tc := range []struct {
		name, endpoint, want string
		base                 http.RoundTripper
		mismatch             string
	}{
		{"http", e.URL, "", http.DefaultTransport, "XAmzContentSHA256Mismatch"},
		{"tls", proxy.URL, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", proxy.Client().Transport, "BadDigest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			rec := &recorder{base: tc.base}
			c := s3Client(tc.endpoint, "", true, &http.Client{Transport: rec})
			key := aws.String(tc.name + ".bin")
			body := randomBytes(t, 3<<20+17)
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("s3pay"), Key: key, Body: bytes.NewReader(body)})
			require.NoError(t, err)
			got, _ := s3Get(ctx, t, c, "s3pay", *key)
			require.True(t, bytes.Equal(body, got))
			sent := rec.seen()[0]
			if tc.want != "" {
				require.Equal(t, tc.want, sent)
			} else {
				require.Len(t, sent, 64, "a hex SHA-256")
			}

			rec.corrupt = true
			_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("s3pay"), Key: aws.String("corrupt.bin"), Body: bytes.NewReader(body)})
			requireS3Error(t, err, tc.mismatch, http.StatusBadRequest)
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("s3pay"), Key: aws.String("corrupt.bin")})
			requireS3Error(t, err, "NotFound", http.StatusNotFound)
		})
	}
}
