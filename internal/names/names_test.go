package names_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/names"
)

func TestValidBucketName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"abc", true},
		{"my-bucket-1", true},
		{"0bucket9", true},
		{strings.Repeat("b", 63), true},
		{strings.Repeat("b", 64), false},
		{"ab", false},
		{"", false},
		{"-bucket", false},
		{"bucket-", false},
		{"My-Bucket", false},
		{"my_bucket", false},
		{"my.bucket", false},
		{"_ossemu", false},
		{"bückets", false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, names.ValidBucketName(tc.name), "%q", tc.name)
	}
}

func TestValidMNSName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"a", true},
		{"Topic-1", true},
		{"example-mns-topic", true},
		{strings.Repeat("q", names.MaxMNSNameLen), true},
		{strings.Repeat("q", names.MaxMNSNameLen+1), false},
		{"", false},
		{"1topic", false},
		{"-topic", false},
		{"my_topic", false},
		{"my.topic", false},
		{"topic\n", false},
		{"tôpic", false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, names.ValidMNSName(tc.name), "%q", tc.name)
	}
}

func TestObjectKeyProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want string // a fragment of the problem; "" = valid
	}{
		{"a", ""},
		{"dir/sub/file.mp4", ""},
		{"...", ""},
		{"a/.../b", ""},
		{"a..b", ""},
		{strings.Repeat("k", names.MaxObjectKeyLen), ""},
		{"", "empty"},
		{strings.Repeat("k", names.MaxObjectKeyLen+1), "1024 bytes"},
		{"\xff", "UTF-8"},
		{"/a", "start with"},
		{`\a`, "start with"},
		{"a\x00b", "NUL"},
		{"..", "'..' segment"},
		{"a/../b", "'..' segment"},
		{`a\..\b`, "'..' segment"},
		{"a/..", "'..' segment"},
		{`..\a`, "'..' segment"},
	}
	for _, tc := range tests {
		got := names.ObjectKeyProblem(tc.key)
		if tc.want == "" {
			require.Empty(t, got, "%q", tc.key)
		} else {
			require.Contains(t, got, tc.want, "%q", tc.key)
		}
	}
}
