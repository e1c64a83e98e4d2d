package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// objectStore is one server under test, seen through its own SDK.
type objectStore interface {
	put(ctx context.Context, key string, body []byte) error
	get(ctx context.Context, key string) (int64, error)
}

// ossStore is the emulator through the OSS v2 SDK.
type ossStore struct{ c *oss.Client }

func (s ossStore) put(ctx context.Context, key string, body []byte) error {
	_, err := s.c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(benchBucket), Key: oss.Ptr(key),
		Body: bytes.NewReader(body), ContentLength: oss.Ptr(int64(len(body)))})
	return err
}

func (s ossStore) get(ctx context.Context, key string) (int64, error) {
	r, err := s.c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(benchBucket), Key: oss.Ptr(key)})
	if err != nil {
		return 0, err
	}
	defer r.Body.Close()
	return io.Copy(io.Discard, r.Body)
}

// s3Store is versitygw through the AWS v2 SDK.
type s3Store struct{ c *awss3.Client }

func (s s3Store) put(ctx context.Context, key string, body []byte) error {
	_, err := s.c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
	return err
}

func (s s3Store) get(ctx context.Context, key string) (int64, error) {
	r, err := s.c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(key)})
	if err != nil {
		return 0, err
	}
	defer r.Body.Close()
	return io.Copy(io.Discard, r.Body)
}

// plainHTTP is the same client for both SDKs: the standard transport, so
// neither side's client adds costs the other has not (the OSS SDK's own
// dialer, for one, re-arms a deadline on every read and write).
func plainHTTP() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// startVersity runs versitygw with its POSIX backend under the test's temp
// directory (the same disk as the emulator's data) and creates the bucket.
// The client sends UNSIGNED-PAYLOAD and no flexible checksums, as the OSS
// SDK sends its V4 signature with the CRC-64 check off: neither server is
// asked to hash the body for the signature.
func startVersity(b *testing.B) s3Store {
	b.Helper()
	cfg := s3test.Start(b)
	c := awss3.New(awss3.Options{
		Region: cfg.Region, BaseEndpoint: aws.String(cfg.Endpoint), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient:                 plainHTTP(),
	}, awss3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware))
	_, err := c.CreateBucket(b.Context(), &awss3.CreateBucketInput{Bucket: aws.String(benchBucket)})
	require.NoError(b, err)
	return s3Store{c}
}

// ioRound times ops PUTs of body, then ops GETs of it, and returns both
// throughputs in MB/s (10^6 bytes).
func ioRound(b *testing.B, s objectStore, key string, body []byte, ops int) (put, get float64) {
	b.Helper()
	ctx := b.Context()
	start := time.Now()
	for range ops {
		require.NoError(b, s.put(ctx, key, body))
	}
	put = float64(ops*len(body)) / time.Since(start).Seconds() / 1e6
	start = time.Now()
	for range ops {
		n, err := s.get(ctx, key)
		require.NoError(b, err)
		require.Equal(b, int64(len(body)), n)
	}
	get = float64(ops*len(body)) / time.Since(start).Seconds() / 1e6
	return put, get
}

// requireRoundTrip checks that a store gives back exactly what it was given.
func requireRoundTrip(b *testing.B, s objectStore, body []byte) {
	b.Helper()
	require.NoError(b, s.put(b.Context(), "check", body))
	var buf bytes.Buffer
	switch st := s.(type) {
	case ossStore:
		r, err := st.c.GetObject(b.Context(), &oss.GetObjectRequest{Bucket: oss.Ptr(benchBucket), Key: oss.Ptr("check")})
		require.NoError(b, err)
		_, err = io.Copy(&buf, r.Body)
		r.Body.Close()
		require.NoError(b, err)
	case s3Store:
		r, err := st.c.GetObject(b.Context(), &awss3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String("check")})
		require.NoError(b, err)
		_, err = io.Copy(&buf, r.Body)
		r.Body.Close()
		require.NoError(b, err)
	}
	require.True(b, bytes.Equal(body, buf.Bytes()), "the body read back differs")
}

// BenchmarkObjectIO PUTs and GETs 1 MB and 100 MB objects of random bytes
// through the OSS Go SDK against the emulator (local storage, durable
// writes) and through the AWS Go SDK against versitygw (POSIX backend) on
// the same disk, alternating rounds, and prints both throughputs and the
// ratio (target: ossemu ≥ 0.8× versitygw). One client at a time: this is
// the per-request path, not concurrency.
func BenchmarkObjectIO(b *testing.B) {
	bin := buildEmulator(b)
	emu := startEmulator(b, bin, filepath.Join(b.TempDir(), "data"))
	ossC := ossStore{emu.clientWith(plainHTTP())}
	s3C := startVersity(b)
	payload := make([]byte, 100_000_000)
	rand.NewChaCha8([32]byte{1}).Read(payload)
	for _, s := range []objectStore{ossC, s3C} {
		requireRoundTrip(b, s, payload[:1_000_003])
	}
	n := runs(b)
	for b.Loop() {
		// Small objects get more, shorter rounds: their PUT time is mostly
		// fsync latency, which other disk users on the machine make vary
		// from one second to the next, and alternating often spreads that
		// over both servers alike.
		for _, sz := range []struct {
			name        string
			size        int
			ops, rounds int
		}{{"1MB", 1_000_000, 10, 5 * n}, {"100MB", 100_000_000, 3, n}} {
			body := payload[:sz.size]
			key := "obj-" + sz.name
			var ours, theirs [2][]float64 // put, get
			for i := range sz.rounds {
				others := waitIdle(b)
				loads := fmt.Sprintf("%s, others %.2f cores", loadAvg(b), others)
				rounds := []func(){
					func() {
						p, g := ioRound(b, ossC, key, body, sz.ops)
						ours[0], ours[1] = append(ours[0], p), append(ours[1], g)
					},
					func() {
						p, g := ioRound(b, s3C, key, body, sz.ops)
						theirs[0], theirs[1] = append(theirs[0], p), append(theirs[1], g)
					},
				}
				if i%2 == 1 {
					rounds[0], rounds[1] = rounds[1], rounds[0]
				}
				rounds[0]()
				rounds[1]()
				fmt.Printf("  %-5s run %d: PUT ossemu %7.1f MB/s versitygw %7.1f MB/s; GET ossemu %7.1f MB/s versitygw %7.1f MB/s [load %s]\n",
					sz.name, i+1, ours[0][i], theirs[0][i], ours[1][i], theirs[1][i], loads)
			}
			for j, op := range []string{"PUT", "GET"} {
				o, t := medianF(ours[j]), medianF(theirs[j])
				fmt.Printf("%s %s, %d rounds of %d: ossemu %.1f MB/s, versitygw %.1f MB/s, ratio %.2f (target ≥ 0.8)\n", op, sz.name, sz.rounds, sz.ops, o, t, o/t)
				b.ReportMetric(o/t, op+"-"+sz.name+"-ratio")
			}
		}
	}
}
