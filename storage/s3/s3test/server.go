// Package s3test starts a real S3 server (versitygw over a temporary POSIX
// directory) for tests of the S3 storage backend and of the emulator in
// front of it. scripts/install-s3-server.sh installs the server into ./bin.
package s3test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossemu/ossemu/storage/s3"
)

// Install is the command that provides the server binary.
const Install = "scripts/install-s3-server.sh"

// Binary finds versitygw: $OSSEMU_S3_SERVER_BIN, then bin/versitygw at the
// module root, then $PATH.
func Binary() (string, bool) {
	if p := os.Getenv("OSSEMU_S3_SERVER_BIN"); p != "" {
		_, err := os.Stat(p)
		return p, err == nil
	}
	if dir, err := os.Getwd(); err == nil {
		for ; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				p := filepath.Join(dir, "bin", "versitygw")
				if _, err := os.Stat(p); err == nil {
					return p, true
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	p, err := exec.LookPath("versitygw")
	return p, err == nil
}

// External reports whether tests run against a store named by
// OSSEMU_S3_TEST_ENDPOINT rather than a local versitygw.
func External() bool { return os.Getenv("OSSEMU_S3_TEST_ENDPOINT") != "" }

// Start runs a fresh S3 server on a free loopback port with its data in a
// temporary directory, stopped when t ends, and returns a backend config
// for it. Without the binary the test is skipped, or fails when CI=true.
//
// With OSSEMU_S3_TEST_ENDPOINT set, tests use that store instead (keys in
// OSSEMU_S3_TEST_ACCESS_KEY_ID and OSSEMU_S3_TEST_SECRET_ACCESS_KEY, region
// in OSSEMU_S3_TEST_REGION), e.g. Ceph RGW or AWS, whose flat namespace
// runs the whole conformance suite.
func Start(t testing.TB) s3.Config {
	t.Helper()
	if External() {
		return s3.Config{
			Endpoint: os.Getenv("OSSEMU_S3_TEST_ENDPOINT"), Region: os.Getenv("OSSEMU_S3_TEST_REGION"),
			AccessKeyID: os.Getenv("OSSEMU_S3_TEST_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("OSSEMU_S3_TEST_SECRET_ACCESS_KEY"),
			PathStyle: true, TempDir: t.TempDir(),
		}
	}
	bin, ok := Binary()
	if !ok {
		msg := "the S3 test server (versitygw) is not installed; run " + Install
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	root := t.TempDir()
	const access, secret = "ossemu-test-ak", "ossemu-test-secret"
	for attempt := 0; ; attempt++ {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, "--port", addr, "--access", access, "--secret", secret, "--quiet", "posix", root)
		var out strings.Builder
		lw := &lockedWriter{w: &out}
		cmd.Stdout, cmd.Stderr = lw, lw
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatalf("starting %s: %v", bin, err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		up := dialable(addr, exited)
		if up {
			t.Cleanup(func() { cancel(); <-exited })
			return s3.Config{
				Endpoint: "http://" + addr, Region: "us-east-1", AccessKeyID: access, SecretAccessKey: secret,
				PathStyle: true, TempDir: t.TempDir(),
			}
		}
		cancel()
		<-exited
		if attempt == 2 {
			lw.mu.Lock()
			defer lw.mu.Unlock()
			t.Fatalf("versitygw did not start on %s:\n%s", addr, out.String())
		}
	}
}

// dialable waits until addr accepts connections, the server exits, or 30 s
// pass. The server announces nothing machine-readable, so it polls.
func dialable(addr string, exited <-chan struct{}) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return true
		}
		select {
		case <-exited:
			return false
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
}

// lockedWriter serialises the server's stdout and stderr into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprintf("127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port)
}
