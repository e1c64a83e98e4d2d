package s3_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// TestUnreachableIsTransient points the backend at a closed port: every
// operation fails with an InternalError marked transient, so the queue
// retries media tasks instead of failing them.
func TestUnreachableIsTransient(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	b, err := s3.New(s3.Config{Endpoint: "http://" + addr, AccessKeyID: "ak", SecretAccessKey: "sk", PathStyle: true})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = b.PutObject(ctx, "bucket", "k", strings.NewReader("x"), storage.PutOptions{Size: -1})
	requireCode(t, err, osserr.InternalError)
	require.True(t, osserr.IsTransient(err), "%v", err)
	_, err = b.GetObject(ctx, "bucket", "k")
	require.True(t, osserr.IsTransient(err), "%v", err)
	_, err = b.ListBuckets(ctx)
	require.True(t, osserr.IsTransient(err), "%v", err)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg s3.Config
		err string
	}{
		{s3.Config{Endpoint: "http://127.0.0.1:9000"}, ""},
		{s3.Config{Endpoint: "127.0.0.1:9000"}, "--s3-endpoint"},
		{s3.Config{AccessKeyID: "ak"}, "together"},
		{s3.Config{PartSize: 1 << 20}, "part size"},
		{s3.Config{BucketPrefix: strings.Repeat("p", 61)}, "--s3-bucket-prefix"},
	} {
		err := c.cfg.Validate()
		if c.err == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorContains(t, err, c.err)
	}
}

func TestBucketPrefixTooLong(t *testing.T) {
	t.Parallel()
	b, err := s3.New(s3.Config{Endpoint: "http://127.0.0.1:1", BucketPrefix: strings.Repeat("p", 50)})
	require.NoError(t, err)
	requireCode(t, b.CreateBucket(context.Background(), strings.Repeat("b", 20)), osserr.InvalidBucketName)
}

// TestPOSIXKeyConflicts: keys a POSIX-backed store cannot hold are refused
// as InvalidObjectName with the reason, not a 500, and nothing else breaks.
func TestPOSIXKeyConflicts(t *testing.T) {
	t.Parallel()
	if s3test.External() {
		t.Skip("only POSIX-backed stores refuse these keys")
	}
	b := newBackend(t, s3test.Start(t), "px-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "posix"))
	_, err := b.PutObject(ctx, "posix", "a", strings.NewReader("file"), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	for _, k := range []string{"a/b", "dir/"} {
		_, err = b.PutObject(ctx, "posix", k, strings.NewReader("x"), storage.PutOptions{Size: -1})
		requireCode(t, err, osserr.InvalidObjectName)
		require.ErrorContains(t, err, "file paths")
	}
	st, err := b.StatObject(ctx, "posix", "a")
	require.NoError(t, err)
	require.Equal(t, int64(4), st.Size)
}
