package s3_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3/s3test"
	"github.com/ossemu/ossemu/storage/storagetest"
)

// TestListing pages through keys a POSIX-backed store can hold (no key is
// another's directory) with the options and page sizes the suite uses,
// including markers inside common prefixes and multi-byte delimiters.
func TestListing(t *testing.T) {
	t.Parallel()
	b := newBackend(t, s3test.Start(t), "ls-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "listing"))
	var keys []string
	for _, d := range []string{"a/", "a/b/", "b/", "c", "中/", "é/", "x/y/z/"} {
		for i := range 5 {
			keys = append(keys, fmt.Sprintf("%sk%02d", d, i))
		}
	}
	keys = append(keys, "a-b", "a0", "z z", "π", "中中")
	for _, k := range keys {
		_, err := b.PutObject(ctx, "listing", k, strings.NewReader(k), storage.PutOptions{Size: -1})
		require.NoError(t, err)
	}
	sort.Strings(keys)
	for _, o := range []storage.ListOptions{
		{}, {Delimiter: "/"}, {Prefix: "a"}, {Prefix: "a/", Delimiter: "/"}, {Prefix: "a/b/"},
		{Prefix: "中", Delimiter: "/"}, {Delimiter: "k0"}, {Delimiter: "中"}, {Prefix: "nothing"}, {Marker: "b/k03"},
		{Marker: "a/", Delimiter: "/"}, {Marker: "a/k02", Delimiter: "/"}, {Prefix: "é/", Marker: "é/k02"},
		{Prefix: "x/", Delimiter: "/"}, {Marker: "x/y/", Delimiter: "y/"},
	} {
		for _, pageSize := range []int{1, 2, 3, 1000} {
			want, _ := storagetest.ModelList(keys, o)
			opts := o
			opts.MaxKeys = pageSize
			objs, got := storagetest.ListAll(t, b, "listing", opts)
			for _, obj := range objs {
				require.Equal(t, int64(len(obj.Key)), obj.Size)
				require.NotEmpty(t, obj.ETag)
			}
			require.Equal(t, want, got, "%+v page %d", o, pageSize)
		}
	}
	_, err := b.ListObjects(ctx, "no-such-bucket", storage.ListOptions{})
	requireCode(t, err, osserr.NoSuchBucket)
}
