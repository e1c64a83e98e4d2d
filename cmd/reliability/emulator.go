package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
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

	cmd    *exec.Cmd
	exited chan error
	url    string
	logOff int64 // how far waitLog has read the log
}

// start runs the emulator and waits for its listen line.
func (e *emulator) start(ctx context.Context) error {
	logf, err := os.OpenFile(e.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if fi, err := logf.Stat(); err == nil {
		e.logOff = fi.Size()
	}
	cmd := exec.Command(e.bin, append([]string{"--addr", "127.0.0.1:0", "--data-dir", e.dataDir,
		"--buckets", "media", "--access-key-id", accessKeyID, "--access-key-secret", accessKeySecret}, e.args...)...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	e.cmd, e.exited = cmd, make(chan error, 1)
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r)
		e.exited <- cmd.Wait()
		logf.Close()
	}()
	select {
	case line := <-lines:
		u, ok := strings.CutPrefix(strings.TrimSpace(line), "ossemu listening on ")
		if !ok {
			return fmt.Errorf("the emulator did not start: %q (see %s)", line, e.log)
		}
		e.url = u
		return nil
	case <-time.After(2 * time.Minute):
		return errors.New("the emulator did not start within 2 minutes")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// kill stops the emulator with SIGKILL, as a crash or the OOM killer does.
func (e *emulator) kill() {
	e.cmd.Process.Kill()
	<-e.exited
}

// terminate stops the emulator with SIGTERM and returns its exit error.
func (e *emulator) terminate() error {
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-e.exited:
		e.exited <- err
		return err
	case <-time.After(2 * time.Minute):
		return errors.New("the emulator did not exit within 2 minutes of SIGTERM")
	}
}

// stopHard kills the emulator if it still runs (on the way out of a
// failed run).
func (e *emulator) stopHard() {
	if e.cmd != nil && e.cmd.ProcessState == nil {
		e.cmd.Process.Kill()
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
