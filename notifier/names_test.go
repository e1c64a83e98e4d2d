package notifier

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"a", true},
		{"Queue-1", true},
		{strings.Repeat("q", 256), true},
		{strings.Repeat("q", 257), false},
		{"", false},
		{"1queue", false},
		{"-queue", false},
		{"my_queue", false},
		{"my.queue", false},
		{"quéue", false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, ValidName(tc.name), "%q", tc.name)
	}
}
