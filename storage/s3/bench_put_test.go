package s3_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// BenchmarkPut compares a streamed 64 MiB PutObject of unknown length
// (multipart, hashing, the metadata copy) with one plain SDK PutObject of
// the same bytes from memory, measured in the same run; it reports the
// ratio.
func BenchmarkPut(b *testing.B) {
	cfg := s3test.Start(b)
	cfg.BucketPrefix = "bput-"
	be := newBenchBackend(b, cfg)
	ctx := context.Background()
	require.NoError(b, be.CreateBucket(ctx, "bench"))
	body := randomBytes(64<<20, 4)
	raw := rawClient(cfg)
	var ref, ours time.Duration
	b.SetBytes(int64(2 * len(body)))
	for b.Loop() {
		start := time.Now()
		_, err := raw.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: aws.String("bput-bench"), Key: aws.String("ref.bin"), Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
		})
		require.NoError(b, err)
		ref += time.Since(start)

		start = time.Now()
		_, err = be.PutObject(ctx, "bench", "ours.bin", onlyReader{bytes.NewReader(body)}, storage.PutOptions{Size: -1})
		require.NoError(b, err)
		ours += time.Since(start)
	}
	b.ReportMetric(float64(ours)/float64(ref), "x-plain-PUT")
}
