package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// emulatorBin is the emulator built once for the whole package by TestMain;
// it is written before any test runs and only read afterwards.
var emulatorBin string

// TestMain builds ./cmd/emulator once into a temporary directory, so every
// test starts the same binary a user would run.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	for _, tool := range []string{"ffmpeg", "ffprobe", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %s not found (scripts/install-deps.sh); skipping the end-to-end tests\n", tool)
			return 0
		}
	}
	dir, err := os.MkdirTemp("", "ossemu-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	emulatorBin = filepath.Join(dir, "emulator")
	build := exec.Command("go", "build", "-o", emulatorBin, "../cmd/emulator")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building the emulator: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}
