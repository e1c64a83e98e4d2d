package storagetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage"
)

// ModelList is the obvious, slow listing every backend must agree with:
// the entries of keys (sorted) after o.Marker under o.Prefix, keys holding
// o.Delimiter after the prefix rolled up into common prefixes (also
// returned as a set).
func ModelList(keys []string, o storage.ListOptions) (entries []string, cps map[string]bool) {
	cps = map[string]bool{}
	seen := map[string]bool{}
	for _, k := range keys { // keys are sorted
		if !strings.HasPrefix(k, o.Prefix) {
			continue
		}
		e := k
		if o.Delimiter != "" {
			if i := strings.Index(k[len(o.Prefix):], o.Delimiter); i >= 0 {
				e = k[:len(o.Prefix)+i+len(o.Delimiter)]
				cps[e] = true
			}
		}
		if e <= o.Marker || seen[e] {
			continue
		}
		seen[e] = true
		entries = append(entries, e)
	}
	return entries, cps
}

func testList(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "listing"))
	var keys []string
	for _, d := range []string{"a/", "a/b/", "b/", "c", "中/", "é/", ""} {
		for i := range 7 {
			keys = append(keys, fmt.Sprintf("%sk%02d", d, i))
		}
	}
	keys = append(keys, "a", "a/", "a-b", "a0", "z z", "π")
	for _, k := range keys {
		put(t, b, "listing", k, k)
	}
	sort.Strings(keys)

	for _, o := range []storage.ListOptions{
		{}, {Delimiter: "/"}, {Prefix: "a"}, {Prefix: "a/", Delimiter: "/"}, {Prefix: "a/b/"},
		{Prefix: "中", Delimiter: "/"}, {Delimiter: "k0"}, {Prefix: "nothing"}, {Marker: "b/k03"},
		{Marker: "a/", Delimiter: "/"}, {Prefix: "é/", Marker: "é/k02"},
	} {
		for _, pageSize := range []int{1, 2, 3, 1000} {
			t.Run(fmt.Sprintf("%+v/%d", o, pageSize), func(t *testing.T) {
				want, cps := ModelList(keys, o)
				opts := o
				opts.MaxKeys = pageSize
				objs, got := ListAll(t, b, "listing", opts)
				for _, obj := range objs {
					require.False(t, cps[obj.Key], "key %q is under a common prefix", obj.Key)
					require.Equal(t, int64(len(obj.Key)), obj.Size)
				}
				require.Equal(t, want, got)
			})
		}
	}
}

// ListAll pages through bucket's listing for o, o.MaxKeys entries at a
// time, and returns the objects listed and every entry (object keys and
// common prefixes) sorted, for comparison with ModelList. It fails t when a
// page holds more than o.MaxKeys entries (when set), a truncated page has no
// NextMarker or the last page has one, or paging does not end. Backend
// suites whose store cannot hold the shared suite's keys use it with keys
// of their own.
func ListAll(t *testing.T, b storage.Backend, bucket string, o storage.ListOptions) (objs []storage.ObjectInfo, entries []string) {
	t.Helper()
	ctx := context.Background()
	for range 1000 {
		page, err := b.ListObjects(ctx, bucket, o)
		require.NoError(t, err)
		if o.MaxKeys > 0 {
			require.LessOrEqual(t, len(page.Objects)+len(page.CommonPrefixes), o.MaxKeys)
		}
		for _, obj := range page.Objects {
			objs = append(objs, obj)
			entries = append(entries, obj.Key)
		}
		entries = append(entries, page.CommonPrefixes...)
		if !page.IsTruncated {
			require.Empty(t, page.NextMarker, "the last page must not name a next marker")
			sort.Strings(entries)
			return objs, entries
		}
		require.NotEmpty(t, page.NextMarker, "a truncated page must name its next marker")
		o.Marker = page.NextMarker
	}
	require.FailNow(t, "listing did not end", "%+v", o)
	return nil, nil
}
