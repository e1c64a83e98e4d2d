package storagetest

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// testConcurrent overwrites one key from several writers while readers read
// it: every read must return one whole version, never a mix or a torn body.
func testConcurrent(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "race"))
	const versions, size = 8, 64 << 10
	bodies := make([][]byte, versions)
	for i := range bodies {
		bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, size)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range versions {
		wg.Go(func() {
			for range 4 {
				if _, err := b.PutObject(ctx, "race", "hot", bytes.NewReader(bodies[i]), storage.PutOptions{Size: size}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for range 30 {
				o, err := b.GetObject(ctx, "race", "hot")
				if osserr.Is(err, osserr.NoSuchKey) {
					continue // no writer has finished yet
				}
				if err != nil {
					errs <- err
					return
				}
				data, err := io.ReadAll(o)
				o.Close()
				if err != nil {
					errs <- err
					return
				}
				if len(data) != size || !bytes.Equal(data, bytes.Repeat(data[:1], size)) {
					errs <- io.ErrUnexpectedEOF
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	page, err := b.ListObjects(ctx, "race", storage.ListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Objects, 1)
}
