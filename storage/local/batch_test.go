package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

func batchOf(n int, body func(i int) string) []storage.BatchPut {
	puts := make([]storage.BatchPut, n)
	for i := range puts {
		puts[i] = storage.BatchPut{Bucket: "media", Key: fmt.Sprintf("out/%04d.jpg", i), Opts: storage.PutOptions{Size: -1, ContentType: "image/jpeg"},
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body(i))), nil }}
	}
	return puts
}

// TestPutObjectsIsAllOrNothing: while a 300-object batch is written, a
// concurrent lister sees none of its keys or all of them; a batch that fails
// part-way leaves no object and no blob; a key given twice keeps its later
// body.
func TestPutObjectsIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	b := open(t, dir)
	require.NoError(t, b.CreateBucket(ctx, "media"))

	const n = 300
	var (
		stop   atomic.Bool
		seen   sync.Map // counts observed
		wg     sync.WaitGroup
		looked atomic.Int64
	)
	wg.Go(func() {
		for !stop.Load() {
			page, err := b.ListObjects(ctx, "media", storage.ListOptions{Prefix: "out/", MaxKeys: 1000})
			require.NoError(t, err)
			seen.Store(len(page.Objects), true)
			looked.Add(1)
		}
	})
	infos, err := b.PutObjects(ctx, batchOf(n, func(i int) string { return strings.Repeat("x", 1000+i) }))
	require.NoError(t, err)
	stop.Store(true)
	wg.Wait()
	require.Len(t, infos, n)
	require.Positive(t, looked.Load())
	seen.Range(func(k, _ any) bool {
		require.Contains(t, []int{0, n}, k.(int), "a partial batch was visible")
		return true
	})
	o, err := b.StatObject(ctx, "media", "out/0299.jpg")
	require.NoError(t, err)
	require.EqualValues(t, 1299, o.Size)
	require.Equal(t, "image/jpeg", o.ContentType)

	// A failure part-way: nothing new is visible and no blob is left over.
	blobsBefore := len(blobFiles(t, dir))
	puts := batchOf(50, func(int) string { return "new" })
	for i := range puts {
		puts[i].Key = fmt.Sprintf("fail/%02d", i)
	}
	puts[40].Open = func() (io.ReadCloser, error) { return nil, errors.New("disk gone") }
	_, err = b.PutObjects(ctx, puts)
	require.ErrorContains(t, err, "disk gone")
	page, err := b.ListObjects(ctx, "media", storage.ListOptions{Prefix: "fail/", MaxKeys: 1000})
	require.NoError(t, err)
	require.Empty(t, page.Objects)
	require.Len(t, blobFiles(t, dir), blobsBefore)

	// A bad key refuses the whole batch before anything is written.
	puts = batchOf(2, func(int) string { return "x" })
	puts[1].Key = "a/../b"
	_, err = b.PutObjects(ctx, puts)
	require.True(t, osserr.Is(err, osserr.InvalidObjectName), "%v", err)

	// The same key twice: the later body wins, and its first blob is gone.
	puts = batchOf(2, func(i int) string { return fmt.Sprint("version ", i) })
	puts[0].Key, puts[1].Key = "twice", "twice"
	_, err = b.PutObjects(ctx, puts)
	require.NoError(t, err)
	r, err := b.GetObject(ctx, "media", "twice")
	require.NoError(t, err)
	data, _ := io.ReadAll(r)
	r.Close()
	require.Equal(t, "version 1", string(data))
	require.Len(t, blobFiles(t, dir), blobsBefore+1)
}
