// Package enginetest holds the test helpers the engine packages
// (engine/libav, engine/concat, engine/sprite) share: read-only storage
// backends over a directory, clips made once by the ffmpeg CLI, running a
// task the way the queue does, probing outputs with ffprobe, comparing
// pictures by dHash, and the awkward inputs of the robustness tests. Only
// tests import it.
package enginetest

import (
	"log/slog"
	"os"
	"testing"

	"github.com/ossemu/ossemu/engine/libav"
)

// Main runs a test binary's tests with libav's log routed once, before any
// test runs, to stderr at error level: the damaged inputs make libav
// chatty, and libav's log level is one per process, so parallel tests
// must not set it. Each engine test package's TestMain calls it.
func Main(m *testing.M) {
	libav.RouteLog(Logger())
	os.Exit(m.Run())
}

// Logger is where Main routes libav's log: stderr, errors only.
func Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}
