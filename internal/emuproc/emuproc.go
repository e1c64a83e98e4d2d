// Package emuproc runs the emulator binary as a child process, as a
// deployment runs it, for the tests, benchmarks and the reliability
// harness that must kill it, stop it or measure it from outside: its
// stderr is appended to a log file, and the first line of its stdout
// ("ossemu listening on <url>") gives the address.
package emuproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// listening is the start of the line the emulator prints once it serves.
const listening = "ossemu listening on "

// Process is one running emulator.
type Process struct {
	Cmd *exec.Cmd
	URL string // from the listen line, e.g. http://127.0.0.1:40123

	done chan struct{} // closed when the process has exited
	err  error         // Cmd.Wait's result, set before done is closed
}

// Start runs bin with args, appending its stderr to logPath, and waits for
// its listen line, for at most timeout or until ctx ends. If the line does
// not come, the process is killed and the error names the log.
func Start(ctx context.Context, bin string, args []string, logPath string, timeout time.Duration) (*Process, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		logf.Close()
		return nil, err
	}
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		defer close(p.done)
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r) //nolint:errcheck // stdout is only drained
		p.err = cmd.Wait()
		logf.Close()
	}()
	select {
	case line := <-lines:
		if u, ok := strings.CutPrefix(strings.TrimSpace(line), listening); ok {
			p.URL = u
			return p, nil
		}
		err = fmt.Errorf("the emulator did not start: %q (log in %s)", line, logPath)
	case <-time.After(timeout):
		err = fmt.Errorf("the emulator did not print its address within %s (log in %s)", timeout, logPath)
	case <-ctx.Done():
		err = ctx.Err()
	}
	p.Kill()
	return nil, err
}

// Pid is the process id.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Kill stops the process with SIGKILL, as a crash or the OOM killer does,
// and waits for it. It may be called after the process has exited.
func (p *Process) Kill() {
	p.Cmd.Process.Kill() //nolint:errcheck // already gone is fine
	<-p.done
}

// Terminate sends SIGTERM and returns the process's exit error (nil for a
// clean exit), or an error if it has not exited within timeout, in which
// case it is left running. It may be called after the process has exited.
func (p *Process) Terminate(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return fmt.Errorf("the emulator did not exit within %s of SIGTERM", timeout)
	}
}
