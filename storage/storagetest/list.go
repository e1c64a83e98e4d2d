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

// modelList is the obvious, slow listing every backend must agree with.
func modelList(keys []string, o storage.ListOptions) (entries []string, cps map[string]bool) {
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
				want, cps := modelList(keys, o)
				var got []string
				opts := o
				opts.MaxKeys = pageSize
				for range 200 {
					page, err := b.ListObjects(ctx, "listing", opts)
					require.NoError(t, err)
					require.LessOrEqual(t, len(page.Objects)+len(page.CommonPrefixes), pageSize)
					for _, obj := range page.Objects {
						require.False(t, cps[obj.Key], "key %q is under a common prefix", obj.Key)
						require.Equal(t, int64(len(obj.Key)), obj.Size)
						got = append(got, obj.Key)
					}
					for _, cp := range page.CommonPrefixes {
						require.True(t, cps[cp], "unexpected common prefix %q", cp)
						got = append(got, cp)
					}
					if !page.IsTruncated {
						break
					}
					require.NotEmpty(t, page.NextMarker)
					opts.Marker = page.NextMarker
				}
				sort.Strings(got)
				require.Equal(t, want, got)
			})
		}
	}
}
