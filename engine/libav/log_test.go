package libav_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
)

// TestRouteLog is not parallel on purpose: libav's log callback and level
// are one per process, so it swaps them while the parallel tests wait, and
// restores the routing TestMain made.
func TestRouteLog(t *testing.T) {
	defer libav.RouteLog(enginetest.Logger())
	for _, tc := range []struct {
		level   slog.Level
		libav   astiav.LogLevel
		logged  bool
		slogged string
	}{
		{slog.LevelInfo, astiav.LogLevelError, true, "level=ERROR"},
		{slog.LevelInfo, astiav.LogLevelWarning, true, "level=WARN"},
		{slog.LevelInfo, astiav.LogLevelInfo, false, ""},
		{slog.LevelDebug, astiav.LogLevelInfo, true, "level=DEBUG"},
		{slog.LevelError, astiav.LogLevelWarning, false, ""},
	} {
		var buf bytes.Buffer
		libav.RouteLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level})))
		astiav.Log(nil, tc.libav, "ossemu test message %s\n", "42")
		if !tc.logged {
			require.Empty(t, buf.String(), "slog %v, libav %v", tc.level, tc.libav)
			continue
		}
		require.Contains(t, buf.String(), tc.slogged)
		require.Contains(t, buf.String(), `msg="ossemu test message 42"`)
		require.Contains(t, buf.String(), "source=libav")
	}
}
