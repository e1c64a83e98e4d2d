package libav

import (
	"context"
	"log/slog"
	"strings"

	"github.com/asticode/go-astiav"
)

// RouteLog sends libav's log output to logger instead of stderr: libav's
// errors (and worse) at slog's Error level, its warnings at Warn and its
// informational messages at Debug (libav's info level is chatty: encoder
// statistics, stream details). libav's own level is set to the most
// detailed one logger wants, so nothing is formatted only to be dropped.
//
// libav has one log callback and one level per process, so main calls this
// once; test binaries call it once in TestMain, never from parallel tests.
func RouteLog(logger *slog.Logger) {
	ctx := context.Background()
	switch {
	case logger.Enabled(ctx, slog.LevelDebug):
		astiav.SetLogLevel(astiav.LogLevelInfo)
	case logger.Enabled(ctx, slog.LevelWarn):
		astiav.SetLogLevel(astiav.LogLevelWarning)
	case logger.Enabled(ctx, slog.LevelError):
		astiav.SetLogLevel(astiav.LogLevelError)
	default:
		astiav.SetLogLevel(astiav.LogLevelQuiet)
	}
	astiav.SetLogCallback(func(c astiav.Classer, l astiav.LogLevel, _, msg string) {
		msg = strings.TrimSpace(msg)
		if msg == "" {
			return
		}
		level := slog.LevelDebug
		switch {
		case l <= astiav.LogLevelError:
			level = slog.LevelError
		case l <= astiav.LogLevelWarning:
			level = slog.LevelWarn
		}
		attrs := []slog.Attr{slog.String("source", "libav")}
		if c != nil {
			if cl := c.Class(); cl != nil {
				attrs = append(attrs, slog.String("class", cl.ItemName()))
			}
		}
		logger.LogAttrs(ctx, level, msg, attrs...)
	})
}
