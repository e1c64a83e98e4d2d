package e2e

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/emuproc"
	"github.com/ossemu/ossemu/internal/testutil"
)

// Credentials and region every emulator in this package is started with.
const (
	testAK     = "e2e-access-key"
	testSK     = "e2e-secret-key"
	testRegion = "cn-hangzhou"
)

// taskWait bounds how long a test waits for one task to reach a final state.
const taskWait = 3 * time.Minute

// emulator is one running ossemu child process.
type emulator struct {
	URL  string // http://127.0.0.1:<port>
	Port string
	Dir  string // --data-dir
}

// startEmulator runs the built emulator on a free loopback port with a fresh
// data directory and the given buckets; it is killed when the test ends.
// The emulator runs with its defaults (workers, preset, region) apart from
// the address, data directory, keys and buckets.
func startEmulator(t *testing.T, buckets ...string) *emulator {
	t.Helper()
	return startEmulatorArgs(t, nil, buckets...)
}

// startEmulatorArgs is startEmulator with extra command-line flags.
func startEmulatorArgs(t *testing.T, extra []string, buckets ...string) *emulator {
	t.Helper()
	require.NotEmpty(t, emulatorBin, "TestMain builds the emulator")
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	logPath := filepath.Join(root, "emulator.log")
	args := append([]string{"--addr", "127.0.0.1:0", "--data-dir", dir,
		"--buckets", strings.Join(buckets, ","), "--access-key-id", testAK, "--access-key-secret", testSK,
		"--region", testRegion}, extra...)
	p, err := emuproc.Start(context.Background(), emulatorBin, args, logPath, time.Minute)
	require.NoError(t, err)
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			if log, err := os.ReadFile(logPath); err == nil {
				t.Logf("emulator log:\n%s", tail(string(log), 4000))
			}
		}
	})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(p.URL, "http://"))
	require.NoError(t, err)
	return &emulator{URL: p.URL, Port: port, Dir: dir}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// v1 returns a v1 SDK client configured as seed 000's and 004's Go examples
// configure it (V4 signatures and a region); 127.0.0.1 makes it path style.
func (e *emulator) v1(t *testing.T) *ossv1.Client {
	t.Helper()
	c, err := ossv1.New(e.URL, testAK, testSK, ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(testRegion))
	require.NoError(t, err)
	return c
}

func (e *emulator) bucketV1(t *testing.T, name string) *ossv1.Bucket {
	t.Helper()
	b, err := e.v1(t).Bucket(name)
	require.NoError(t, err)
	return b
}

// v2 returns a v2 SDK client with its defaults (V4) and no retries, so a
// wrong status shows up at once.
func (e *emulator) v2() *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testAK, testSK)).
		WithRegion(testRegion).WithEndpoint(e.URL).WithRetryMaxAttempts(1))
}

// anonymousV2 is a v2 client that sends unsigned requests.
func (e *emulator) anonymousV2() *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewAnonymousCredentialsProvider()).
		WithRegion(testRegion).WithEndpoint(e.URL).WithRetryMaxAttempts(1))
}

// task is the task API's view of a task (docs/queue.md).
type task struct {
	TaskID   string `json:"TaskId"`
	TaskType string
	Status   string
	Progress int
	Code     string
	Message  string
	Sources  []struct{ URI string }
	Targets  []struct{ URI string }
	EventID  string `json:"EventId"`
	Attempts int
}

// getTask reads GET /_ossemu/tasks/<id> with HTTP Basic auth.
func (e *emulator) getTask(ctx context.Context, t *testing.T, id string) task {
	t.Helper()
	resp, body := testutil.GetBasicAuth(ctx, t, e.URL+"/_ossemu/tasks/"+id, testAK, testSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var v task
	require.NoError(t, json.Unmarshal(body, &v), string(body))
	return v
}

// waitTask polls the task API until the task is Succeeded or Failed. The
// emulator is another process, so there is no channel to wait on; the wait
// is bounded by taskWait.
func (e *emulator) waitTask(t *testing.T, id string) task {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), taskWait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		v := e.getTask(ctx, t, id)
		if v.Status == "Succeeded" || v.Status == "Failed" {
			return v
		}
		last = v.Status
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("task %s still %s after %s", id, last, taskWait)
		}
	}
}

// requireSucceeded waits for a task and requires it to have succeeded.
func (e *emulator) requireSucceeded(t *testing.T, id string) task {
	t.Helper()
	v := e.waitTask(t, id)
	require.Equal(t, "Succeeded", v.Status, "task %s: %s: %s", id, v.Code, v.Message)
	require.Equal(t, 100, v.Progress)
	require.Empty(t, v.Code)
	return v
}

func targetURIs(v task) []string {
	var out []string
	for _, x := range v.Targets {
		out = append(out, x.URI)
	}
	return out
}
