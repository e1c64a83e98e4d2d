package libav

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

func TestMuxIOErrorIsTransient(t *testing.T) {
	t.Parallel()
	require.True(t, osserr.IsTransient(ioError(fmt.Errorf("w: %w", astiav.Error(-int(syscall.ENOSPC))))))
	require.True(t, osserr.IsTransient(ioError(fmt.Errorf("w: %w", astiav.ErrEio))))
	require.False(t, osserr.IsTransient(ioError(fmt.Errorf("w: %w", astiav.ErrInvaliddata))))
}
