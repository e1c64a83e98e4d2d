package libav

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDHashBits(t *testing.T) {
	t.Parallel()
	// A left-to-right falling ramp sets every bit, a rising one none.
	fall, rise := make([]byte, DHashW*DHashH), make([]byte, DHashW*DHashH)
	for y := 0; y < DHashH; y++ {
		for x := 0; x < DHashW; x++ {
			fall[y*DHashW+x] = byte(200 - 20*x)
			rise[y*DHashW+x] = byte(20 * x)
		}
	}
	require.Equal(t, ^uint64(0), DHash(fall))
	require.Equal(t, uint64(0), DHash(rise))
	require.Equal(t, 64, HashDistance(DHash(fall), DHash(rise)))
	fall[0], fall[1] = 0, 255 // flips bit 0 only
	require.Equal(t, 1, HashDistance(DHash(fall), ^uint64(0)))
}
