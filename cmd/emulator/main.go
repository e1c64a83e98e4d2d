// Command emulator runs ossemu: an Alibaba Cloud OSS emulator on a local
// directory, for developing and testing against the official OSS SDKs.
// `emulator process [flags] STYLE` runs one media style on local files
// instead (process.go).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ossemu/ossemu/engine/libav"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if len(os.Args) > 1 && os.Args[1] == "process" {
		code := runProcess(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr, libav.RouteLog)
		stop()
		os.Exit(code)
	}
	defer stop()
	// libav's log is process-wide: routed once, here, through run's logger.
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, libav.RouteLog); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}
