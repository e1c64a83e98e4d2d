package sprite

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDHashLimit(t *testing.T) {
	t.Parallel()
	for thr, want := range map[int]int{0: 0, 1: 1, 10: 6, 25: 16, 50: 32, 100: 64} {
		require.Equal(t, want, dhashLimit(thr), "thr %d", thr)
	}
}
