package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/emuproc"
)

// Credentials, region and bucket of every emulator the benchmarks start.
const (
	benchAK     = "bench-access-key"
	benchSK     = "bench-secret-key"
	benchRegion = "cn-hangzhou"
	benchBucket = "bench"
)

// buildEmulator compiles ./cmd/emulator, the binary a user runs, or
// returns OSSEMU_BENCH_EMULATOR when set (a binary that outlives the run,
// so a profiler such as perf can still resolve its symbols afterwards).
func buildEmulator(b *testing.B) string {
	b.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe", "go"} {
		_, err := exec.LookPath(tool)
		require.NoError(b, err, "%s is needed (scripts/install-deps.sh)", tool)
	}
	if bin := os.Getenv("OSSEMU_BENCH_EMULATOR"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "emulator")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/emulator").CombinedOutput()
	require.NoError(b, err, string(out))
	return bin
}

// emulator is one running emulator process.
type emulator struct{ *emuproc.Process }

// startEmulator runs bin on dataDir with one worker (so one task may use
// every core) and the extra flags, and waits for its listen line.
func startEmulator(b *testing.B, bin, dataDir string, extra ...string) *emulator {
	b.Helper()
	args := append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--buckets", benchBucket,
		"--access-key-id", benchAK, "--access-key-secret", benchSK, "--region", benchRegion,
		"--workers", "1", "--log-level", "warn"}, extra...)
	p, err := emuproc.Start(b.Context(), bin, args, dataDir+".log", time.Minute)
	require.NoError(b, err)
	e := &emulator{p}
	b.Cleanup(e.stop)
	return e
}

// stop ends the process with SIGTERM (SIGKILL after 30 s) and waits for it.
// It may be called more than once.
func (e *emulator) stop() {
	if e.Terminate(30*time.Second) != nil {
		e.Kill()
	}
}

func (e *emulator) pid() int { return e.Pid() }

// client is an OSS v2 SDK client with no retries. The SDK's own CRC-64
// checks are off so the client spends no CPU the server comparison would
// be charged for (the emulator still computes and returns the CRC-64).
func (e *emulator) client() *oss.Client { return e.clientWith(nil) }

// clientWith is client over hc (nil: the SDK's own HTTP client).
func (e *emulator) clientWith(hc *http.Client) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(benchAK, benchSK)).
		WithRegion(benchRegion).WithEndpoint(e.URL).WithRetryMaxAttempts(1).
		WithDisableUploadCRC64Check(true).WithDisableDownloadCRC64Check(true)
	if hc != nil {
		cfg = cfg.WithHttpClient(hc)
	}
	return oss.NewClient(cfg)
}

// taskView is the part of the task API's answer the benchmarks read.
type taskView struct {
	Status, Code, Message string
	StartTime, EndTime    time.Time
	Targets               []struct{ URI string }
}

// waitTask polls GET /_ossemu/tasks/<id> (HTTP Basic) every 20 ms until the
// task is final; the emulator is another process, so there is nothing to
// wait on but its API.
func (e *emulator) waitTask(ctx context.Context, b *testing.B, id string) taskView {
	b.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/_ossemu/tasks/"+id, nil)
		require.NoError(b, err)
		req.SetBasicAuth(benchAK, benchSK)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(b, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(b, err)
		require.Equal(b, http.StatusOK, resp.StatusCode, string(body))
		var v taskView
		require.NoError(b, json.Unmarshal(body, &v), string(body))
		if v.Status == "Succeeded" || v.Status == "Failed" {
			return v
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			b.Fatalf("task %s still %s: %v", id, v.Status, ctx.Err())
		}
	}
}

// seedBucket starts a throwaway emulator on dataDir, uploads each file
// under its key and stops it, so every measured run starts a fresh process
// on data that is already there.
func seedBucket(b *testing.B, bin, dataDir string, files map[string]string) {
	b.Helper()
	e := startEmulator(b, bin, dataDir)
	defer e.stop()
	c := e.client()
	for key, path := range files {
		_, err := c.PutObjectFromFile(b.Context(), &oss.PutObjectRequest{Bucket: oss.Ptr(benchBucket), Key: oss.Ptr(key)}, path)
		require.NoError(b, err, "upload %s", key)
	}
}

// runTask starts a fresh emulator on dataDir, submits process on key
// through the SDK, waits for the task and measures the process: wall time
// from the submit call to the observed end, CPU time (user+system) of the
// emulator over the same span from /proc, and its peak RSS (VmHWM, which
// is per process lifetime: hence the fresh process). check, when set, runs
// after the measurement while the emulator still serves (to fetch outputs).
func runTask(b *testing.B, bin, dataDir, key, process string, check func(*emulator, taskView)) measure {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Minute)
	defer cancel()
	others := waitIdle(b)
	e := startEmulator(b, bin, dataDir)
	defer e.stop()
	m := measure{load: loadAvg(b), others: others}
	stopPerf := startPerf(b, e.pid(), fmt.Sprintf("%s-%d", strings.ReplaceAll(b.Name(), "/", "-"), time.Now().Unix()))
	threads0 := threadCPU(b, e.pid())
	stopThreads := threadSampler(b, e.pid())
	cpu0 := procCPU(b, e.pid())
	start := time.Now()
	rs, err := e.client().AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
		Bucket: oss.Ptr(benchBucket), Key: oss.Ptr(key), AsyncProcess: oss.Ptr(process),
	})
	require.NoError(b, err)
	v := e.waitTask(ctx, b, rs.TaskId)
	m.wall = time.Since(start)
	m.cpu = procCPU(b, e.pid()) - cpu0
	m.rssKB = procHWM(b, e.pid())
	m.threads = busiestThreads(threads0, stopThreads())
	stopPerf()
	require.Equal(b, "Succeeded", v.Status, "%s: %s", v.Code, v.Message)
	m.engine = v.EndTime.Sub(v.StartTime)
	if check != nil {
		check(e, v)
	}
	return m
}

// download fetches bucket/key of a running emulator into path.
func download(b *testing.B, e *emulator, key, path string) {
	b.Helper()
	_, err := e.client().GetObjectToFile(b.Context(), &oss.GetObjectRequest{Bucket: oss.Ptr(benchBucket), Key: oss.Ptr(key)}, path)
	require.NoError(b, err, "download %s", key)
}

// b64 encodes an object name as OSS processing parameters take it:
// URL-safe base64 without padding.
func b64(s string) string {
	return strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(s)), "=")
}

func saveAs(key string) string {
	return fmt.Sprintf("|sys/saveas,b_%s,o_%s", b64(benchBucket), b64(key))
}
