package osserr_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestTransientMarking(t *testing.T) {
	t.Parallel()
	base := io.ErrUnexpectedEOF
	require.Nil(t, osserr.Transient(nil))
	require.True(t, osserr.IsTransient(osserr.Transient(base)))
	require.ErrorIs(t, osserr.Transient(base), base)
	require.False(t, osserr.IsTransient(base))
}
