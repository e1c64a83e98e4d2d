package storage

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestChooseParts(t *testing.T) {
	t.Parallel()
	have := []Part{
		{PartNumber: 1, ETag: "AAAA"},
		{PartNumber: 2, ETag: "BBBB"},
		{PartNumber: 5, ETag: "CCCC"},
	}
	tests := []struct {
		name string
		want []CompletePart
		code string // "" when the list is accepted
		nums []int
	}{
		{"all", []CompletePart{{1, "AAAA"}, {2, "BBBB"}, {5, "CCCC"}}, "", []int{1, 2, 5}},
		{"subset, quoted, lower-case", []CompletePart{{2, `"bbbb"`}, {5, "cccc"}}, "", []int{2, 5}},
		{"empty", nil, osserr.InvalidPart.Name, nil},
		{"descending", []CompletePart{{2, "BBBB"}, {1, "AAAA"}}, osserr.InvalidPartOrder.Name, nil},
		{"repeat", []CompletePart{{1, "AAAA"}, {1, "AAAA"}}, osserr.InvalidPartOrder.Name, nil},
		{"missing part", []CompletePart{{1, "AAAA"}, {3, "AAAA"}}, osserr.InvalidPart.Name, nil},
		{"wrong etag", []CompletePart{{1, "BBBB"}}, osserr.InvalidPart.Name, nil},
		{"order checked before a later bad etag", []CompletePart{{2, "BBBB"}, {2, "XXXX"}}, osserr.InvalidPartOrder.Name, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ChooseParts(tc.want, have, func(p Part) Part { return p })
			if tc.code != "" {
				oe, ok := osserr.As(err)
				require.True(t, ok, "want %s, got %v", tc.code, err)
				require.Equal(t, tc.code, oe.Code.Name)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			var nums []int
			for _, p := range got {
				nums = append(nums, p.PartNumber)
			}
			require.Equal(t, tc.nums, nums)
		})
	}
}

func TestMultipartETag(t *testing.T) {
	t.Parallel()
	bodies := []string{"hello", "world", ""}
	var parts []Part
	var cat []byte
	for i, b := range bodies {
		sum := md5.Sum([]byte(b))
		cat = append(cat, sum[:]...)
		etag := hex.EncodeToString(sum[:])
		if i%2 == 0 {
			etag = strings.ToUpper(etag) // as UploadPart returns it; case must not matter
		}
		parts = append(parts, Part{PartNumber: i + 1, ETag: etag})
	}
	want := md5.Sum(cat)
	got := MultipartETag(parts, func(p Part) Part { return p })
	require.Equal(t, strings.ToUpper(hex.EncodeToString(want[:]))+"-3", got)
	require.NotEqual(t, got, MultipartETag(parts[:2], func(p Part) Part { return p }))
}

func TestPartListPageSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ max, want int }{{0, DefaultMaxParts}, {-3, DefaultMaxParts}, {1, 1}, {7, 7}} {
		require.Equal(t, tc.want, PartListOptions{MaxParts: tc.max}.PageSize(), "MaxParts %d", tc.max)
	}
}
