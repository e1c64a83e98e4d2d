package s3_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3"
	"github.com/ossemu/ossemu/storage/s3/s3test"
	"github.com/ossemu/ossemu/storage/storagetest"
)

// TestConformance runs the shared storage suite against a real S3 server.
// Every subtest gets its own bucket prefix, so they share one server and
// still each see an empty store.
func TestConformance(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	var n atomic.Int64
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		c := cfg
		c.BucketPrefix = fmt.Sprintf("t%d-", n.Add(1))
		b, err := s3.New(c)
		require.NoError(t, err)
		return b
	})
}
