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
)

// model is the obvious listing: entries after the marker, keys under a
// delimiter rolled up into common prefixes.
func model(keys []string, o storage.ListOptions) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, o.Prefix) {
			continue
		}
		e := k
		if i := strings.Index(k[len(o.Prefix):], o.Delimiter); o.Delimiter != "" && i >= 0 {
			e = k[:len(o.Prefix)+i+len(o.Delimiter)]
		}
		if e > o.Marker && !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

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
			want := model(keys, o)
			var got []string
			opts := o
			opts.MaxKeys = pageSize
			for range 100 {
				page, err := b.ListObjects(ctx, "listing", opts)
				require.NoError(t, err)
				require.LessOrEqual(t, len(page.Objects)+len(page.CommonPrefixes), pageSize)
				for _, obj := range page.Objects {
					require.Equal(t, int64(len(obj.Key)), obj.Size)
					require.NotEmpty(t, obj.ETag)
					got = append(got, obj.Key)
				}
				got = append(got, page.CommonPrefixes...)
				if !page.IsTruncated {
					require.Empty(t, page.NextMarker)
					break
				}
				opts.Marker = page.NextMarker
			}
			sort.Strings(got)
			require.Equal(t, want, got, "%+v page %d", o, pageSize)
		}
	}
	_, err := b.ListObjects(ctx, "no-such-bucket", storage.ListOptions{})
	requireCode(t, err, osserr.NoSuchBucket)
}
