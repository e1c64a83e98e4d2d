package storage

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCommonPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct{ key, prefix, delim, want string }{
		{"a/b/c", "", "/", "a/"},
		{"a/b/c", "a/", "/", "a/b/"},
		{"a/b", "a/", "/", ""},
		{"a/b/c", "b/", "/", ""},
		{"a/b/c", "", "", ""},
		{"a--b--c", "a", "--", "a--"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, CommonPrefix(tc.key, tc.prefix, tc.delim), "%+v", tc)
	}
}

// listAll pages through uploads with the given page size, feeding each page
// the uploads a store would return for its markers, and returns every entry
// (keys, with common prefixes as "cp:<prefix>") in order.
func listAll(t *testing.T, uploads []Upload, opts UploadListOptions) []string {
	t.Helper()
	limit := opts.MaxUploads
	if limit <= 0 {
		limit = DefaultMaxUploads
	}
	var got []string
	for pages := 0; ; pages++ {
		require.Less(t, pages, 100, "paging must end")
		p := NewUploadPager(opts)
		for _, up := range uploads {
			if !p.Add(up) {
				break
			}
		}
		page := p.Page()
		require.LessOrEqual(t, len(page.Uploads)+len(page.CommonPrefixes), limit)
		// A page holds uploads and prefixes in two lists; merge them back
		// into key order to compare with the expected listing.
		var entries []string
		for _, cp := range page.CommonPrefixes {
			entries = append(entries, "cp:"+cp)
		}
		for _, up := range page.Uploads {
			entries = append(entries, up.Key+"#"+up.UploadID)
		}
		sort.Slice(entries, func(i, j int) bool {
			return strings.TrimPrefix(entries[i], "cp:") < strings.TrimPrefix(entries[j], "cp:")
		})
		got = append(got, entries...)
		if !page.IsTruncated {
			require.Empty(t, page.NextKeyMarker)
			require.Empty(t, page.NextUploadIDMarker)
			return got
		}
		require.NotEmpty(t, page.NextKeyMarker)
		opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
}

func TestUploadPager(t *testing.T) {
	t.Parallel()
	uploads := []Upload{ // (key, id) order
		{Key: "a", UploadID: "1"}, {Key: "a", UploadID: "2"},
		{Key: "d/x", UploadID: "3"}, {Key: "d/y", UploadID: "4"},
		{Key: "d/z/q", UploadID: "5"}, {Key: "e", UploadID: "6"},
	}
	tests := []struct {
		name string
		opts UploadListOptions
		want []string
	}{
		{"flat", UploadListOptions{}, []string{"a#1", "a#2", "d/x#3", "d/y#4", "d/z/q#5", "e#6"}},
		{"delimiter", UploadListOptions{Delimiter: "/"}, []string{"a#1", "a#2", "cp:d/", "e#6"}},
		{"prefix and delimiter", UploadListOptions{Prefix: "d/", Delimiter: "/"}, []string{"d/x#3", "d/y#4", "cp:d/z/"}},
		{"prefix", UploadListOptions{Prefix: "d/"}, []string{"d/x#3", "d/y#4", "d/z/q#5"}},
		{"key marker skips all of its uploads", UploadListOptions{KeyMarker: "a"}, []string{"d/x#3", "d/y#4", "d/z/q#5", "e#6"}},
		{"key and id marker", UploadListOptions{KeyMarker: "a", UploadIDMarker: "1"}, []string{"a#2", "d/x#3", "d/y#4", "d/z/q#5", "e#6"}},
		{"marker inside a reported prefix", UploadListOptions{KeyMarker: "d/", Delimiter: "/"}, []string{"e#6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, size := range []int{0, 1, 2, 3, 100} {
				opts := tc.opts
				opts.MaxUploads = size
				require.Equal(t, tc.want, listAll(t, uploads, opts), "page size %d", size)
			}
		})
	}
}

func TestUploadPagerFullPage(t *testing.T) {
	t.Parallel()
	p := NewUploadPager(UploadListOptions{MaxUploads: 2})
	require.True(t, p.Add(Upload{Key: "a", UploadID: "1"}))
	require.True(t, p.Add(Upload{Key: "b", UploadID: "2"}))
	require.False(t, p.Add(Upload{Key: "c", UploadID: "3"}), "a third upload overflows the page")
	page := p.Page()
	require.True(t, page.IsTruncated)
	require.Equal(t, "b", page.NextKeyMarker)
	require.Equal(t, "2", page.NextUploadIDMarker)
	require.Len(t, page.Uploads, 2)
}
