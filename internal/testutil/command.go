package testutil

import (
	"os"
	"os/exec"
	"testing"
)

// RequireCommand returns the path of the command a test needs (the ffmpeg
// or ffprobe CLI). When it is not installed the test is skipped, saying
// how to install it, except under CI=true, where it fails: CI installs
// every such tool (scripts/install-deps.sh), so a missing one there is a
// broken setup that a skip would hide.
func RequireCommand(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " not installed (scripts/install-deps.sh installs it)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
