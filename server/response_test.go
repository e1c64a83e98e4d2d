package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestISOTime pins the XML time form: whole seconds written as ".000Z",
// which Python oss2's listing parser requires (it rejects other digits).
func TestISOTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2012, 2, 24, 8, 42, 32, 0, time.UTC), "2012-02-24T08:42:32.000Z"},
		{time.Date(2026, 12, 7, 1, 37, 58, 64_000_000, time.UTC), "2026-12-07T01:37:58.000Z"},
		{time.Date(2026, 12, 7, 1, 37, 58, 999_999_999, time.UTC), "2026-12-07T01:37:58.000Z"},
		{time.Date(2026, 12, 7, 9, 37, 58, 500_000_000, time.FixedZone("CST", 8*3600)), "2026-12-07T01:37:58.000Z"},
	} {
		require.Equal(t, tc.want, isoTime(tc.in))
	}
}
