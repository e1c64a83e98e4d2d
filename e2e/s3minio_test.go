package e2e

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/require"
)

// minio-go is the S3 client that signs its uploads chunk by chunk over
// plain HTTP: STREAMING-AWS4-HMAC-SHA256-PAYLOAD aws-chunked bodies, and
// with TrailingHeaders the -TRAILER variant ending in a signed checksum.
// Neither aws-sdk-go-v2 nor boto3 sends those (they sign the whole
// payload over HTTP and send unsigned trailers over TLS).

// payloadLog records the x-amz-content-sha256 of each PUT.
type payloadLog struct {
	mu   sync.Mutex
	puts []string
}

func (p *payloadLog) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		p.mu.Lock()
		p.puts = append(p.puts, r.Header.Get("X-Amz-Content-Sha256"))
		p.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestS3MinioChunkSigned(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "s3minio")
	for _, tc := range []struct {
		name     string
		trailing bool
		want     string
	}{
		{"chunk-signed", false, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
		{"chunk-signed-trailer", true, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			log := &payloadLog{}
			c, err := minio.New("127.0.0.1:"+e.Port, &minio.Options{
				Creds: miniocreds.NewStaticV4(testAK, testSK, ""), Region: "us-east-1",
				Transport: log, TrailingHeaders: tc.trailing,
			})
			require.NoError(t, err)
			opts := minio.PutObjectOptions{UserMetadata: map[string]string{"who": "minio"}}
			if tc.trailing {
				opts.Checksum = minio.ChecksumCRC32C
			}
			single := randomBytes(t, 1<<20+5)
			_, err = c.PutObject(ctx, "s3minio", tc.name+"/single.bin", bytes.NewReader(single), int64(len(single)), opts)
			require.NoError(t, err)
			// Unknown size: minio-go uploads 5 MiB parts, each chunk-signed.
			multi := randomBytes(t, 12<<20)
			info, err := c.PutObject(ctx, "s3minio", tc.name+"/multi.bin", bytes.NewReader(multi), -1,
				minio.PutObjectOptions{PartSize: 5 << 20, Checksum: opts.Checksum})
			require.NoError(t, err)
			require.EqualValues(t, len(multi), info.Size)

			for key, want := range map[string][]byte{"single.bin": single, "multi.bin": multi} {
				o, err := c.GetObject(ctx, "s3minio", tc.name+"/"+key, minio.GetObjectOptions{})
				require.NoError(t, err)
				got, err := io.ReadAll(o)
				o.Close()
				require.NoError(t, err)
				require.True(t, bytes.Equal(want, got), key)
			}
			st, err := c.StatObject(ctx, "s3minio", tc.name+"/single.bin", minio.StatObjectOptions{})
			require.NoError(t, err)
			require.Equal(t, "minio", st.UserMetadata["Who"])
			log.mu.Lock()
			defer log.mu.Unlock()
			require.GreaterOrEqual(t, len(log.puts), 4, "one single PUT and three parts")
			require.Equal(t, tc.want, log.puts[0], "the single PUT")
			for _, p := range log.puts {
				require.Contains(t, p, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
			}
		})
	}
}
