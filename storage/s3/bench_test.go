package s3_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// BenchmarkRead compares reading a 32 MiB object through the backend's
// seekable object in libav-sized 32 KiB reads (sequentially, and with a
// seek to the last 64 KiB first, as MP4 demuxing does) with one plain SDK
// GET copied in full, measured in the same run; it reports the ratio.
func BenchmarkRead(b *testing.B) {
	cfg := s3test.Start(b)
	cfg.BucketPrefix = "bench-"
	be := newBenchBackend(b, cfg)
	ctx := context.Background()
	require.NoError(b, be.CreateBucket(ctx, "bench"))
	const size = 32 << 20
	body := randomBytes(size, 1)
	_, err := be.PutObject(ctx, "bench", "clip.mp4", bytes.NewReader(body), storage.PutOptions{Size: size})
	require.NoError(b, err)
	raw := rawClient(cfg)
	var ref, ours time.Duration
	buf := make([]byte, 32<<10)
	b.SetBytes(2 * size)
	for b.Loop() {
		start := time.Now()
		res, err := raw.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("bench-bench"), Key: aws.String("clip.mp4")})
		require.NoError(b, err)
		_, err = io.Copy(io.Discard, res.Body)
		require.NoError(b, err)
		res.Body.Close()
		ref += time.Since(start)

		start = time.Now()
		o, err := be.GetObject(ctx, "bench", "clip.mp4")
		require.NoError(b, err)
		_, err = o.Seek(-64<<10, io.SeekEnd)
		require.NoError(b, err)
		for {
			if _, err := o.Read(buf); err == io.EOF {
				break
			}
		}
		_, err = o.Seek(0, io.SeekStart)
		require.NoError(b, err)
		for {
			_, err := o.Read(buf)
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
		}
		o.Close()
		ours += time.Since(start)
	}
	b.ReportMetric(float64(ours)/float64(ref), "x-plain-GET")
}

func newBenchBackend(b *testing.B, cfg s3.Config) *s3.Backend {
	be, err := s3.New(cfg)
	require.NoError(b, err)
	return be
}
