package emuproc

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The real emulator starts, answers on the URL it printed, logs to the
// file, and stops cleanly on SIGTERM; stopping it again changes nothing.
func TestStartAndTerminateTheEmulator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "emulator")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/emulator").CombinedOutput()
	require.NoError(t, err, string(out))
	log := filepath.Join(dir, "emulator.log")

	p, err := Start(context.Background(), bin, []string{"--addr", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"),
		"--access-key-id", "ak", "--access-key-secret", "sk", "--log-level", "info"}, log, time.Minute)
	require.NoError(t, err)
	t.Cleanup(p.Kill)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, p.URL)
	resp, err := http.Get(p.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "an anonymous ListBuckets")
	require.Positive(t, p.Pid())

	require.NoError(t, p.Terminate(time.Minute), "SIGTERM is a clean exit")
	require.NoError(t, p.Terminate(time.Minute), "already exited")
	p.Kill()
	logged, err := os.ReadFile(log)
	require.NoError(t, err)
	require.Contains(t, string(logged), "ossemu started")
}

// A process that prints something else, prints nothing in time, or is
// started under an ended context is an error, and it is not left running.
func TestStartFailures(t *testing.T) {
	t.Parallel()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name    string
		ctx     context.Context
		bin     string
		args    []string
		timeout time.Duration
		want    string
	}{
		{"another first line", context.Background(), "/bin/echo", []string{"hello"}, time.Minute, `the emulator did not start: "hello\n"`},
		{"no line in time", context.Background(), "/bin/sleep", []string{"600"}, 100 * time.Millisecond, "did not print its address within 100ms"},
		{"ended context", ended, "/bin/sleep", []string{"600"}, time.Minute, "context canceled"},
		{"no such binary", context.Background(), "/nonexistent/emulator", nil, time.Minute, "no such file or directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			log := filepath.Join(t.TempDir(), "x.log")
			start := time.Now()
			p, err := Start(c.ctx, c.bin, c.args, log, c.timeout)
			require.ErrorContains(t, err, c.want)
			require.Nil(t, p)
			require.Less(t, time.Since(start), 5*time.Minute, "the sleep 600 was killed, not waited for")
		})
	}
}

// Kill ends a running process with SIGKILL and waits for it.
func TestKill(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "fake.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho 'ossemu listening on http://127.0.0.1:1'\nexec sleep 60\n"), 0o755))
	p, err := Start(context.Background(), script, nil, filepath.Join(dir, "x.log"), time.Minute)
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:1", p.URL)
	p.Kill()
	select {
	case <-p.Done():
	default:
		t.Fatal("Done is not closed after Kill")
	}
	ws, ok := p.Cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.Equal(t, syscall.SIGKILL, ws.Signal())
}
