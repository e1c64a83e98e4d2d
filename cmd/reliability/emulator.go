package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossemu/ossemu/internal/emuproc"
)

// The key pair the emulator runs with.
const accessKeyID, accessKeySecret = "reliability-ak", "reliability-sk"

// buildEmulator compiles ./cmd/emulator into dir.
func buildEmulator(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "emulator")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/emulator").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the emulator (run from the repository root): %w\n%s", err, out)
	}
	return bin, nil
}

// emulator is the child process, restarted on the same data directory.
type emulator struct {
	bin, dataDir, log string
	args              []string

	p      *emuproc.Process // the current run; nil before the first
	url    string
	logOff int64 // how far waitLog has read the log
}

// start runs the emulator and waits for its listen line.
func (e *emulator) start(ctx context.Context) error {
	if fi, err := os.Stat(e.log); err == nil {
		e.logOff = fi.Size()
	}
	p, err := emuproc.Start(ctx, e.bin, append([]string{"--addr", "127.0.0.1:0", "--data-dir", e.dataDir,
		"--buckets", "media", "--access-key-id", accessKeyID, "--access-key-secret", accessKeySecret}, e.args...),
		e.log, 2*time.Minute)
	if err != nil {
		return err
	}
	e.p, e.url = p, p.URL
	return nil
}

// kill stops the emulator with SIGKILL, as a crash or the OOM killer does.
func (e *emulator) kill() { e.p.Kill() }

// terminate stops the emulator with SIGTERM and returns its exit error.
func (e *emulator) terminate() error { return e.p.Terminate(2 * time.Minute) }

// stopHard kills the emulator if it still runs (on the way out of a
// failed run).
func (e *emulator) stopHard() {
	if e.p != nil {
		e.p.Kill()
	}
}

// client is an OSS SDK client for the running emulator.
func (e *emulator) client() *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKeyID, accessKeySecret)).
		WithRegion("cn-hangzhou").WithEndpoint(e.url).WithRetryMaxAttempts(1))
}

// waitLog waits until the log of the current run holds s past what was
// read before, or until limit passes; it reports whether s came.
func (e *emulator) waitLog(ctx context.Context, s string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if f, err := os.Open(e.log); err == nil {
			f.Seek(e.logOff, io.SeekStart)
			data, _ := io.ReadAll(f)
			f.Close()
			if i := strings.Index(string(data), s); i >= 0 {
				e.logOff += int64(i + len(s))
				return true
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}
