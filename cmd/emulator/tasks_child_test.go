package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/emuproc"
	"github.com/ossemu/ossemu/internal/testutil"
)

// Helpers for tests that run the emulator as a child process, so it can be
// killed with SIGKILL or stopped with SIGTERM like a real deployment.

const childAK, childSK = "child-ak", "child-sk"

// buildEmulator compiles this command into the test's temp dir.
func buildEmulator(t testing.TB) string {
	t.Helper()
	testutil.RequireCommand(t, "ffmpeg")
	bin := filepath.Join(t.TempDir(), "emulator")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// child is one running emulator process (p is nil for a child made only
// to reach a URL).
type child struct {
	URL string
	p   *emuproc.Process
}

// startChild starts the emulator on dataDir and waits for its listen line.
func startChild(t testing.TB, bin, dataDir string, args ...string) *child {
	t.Helper()
	p, err := emuproc.Start(context.Background(), bin, append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir,
		"--buckets", "media", "--access-key-id", childAK, "--access-key-secret", childSK, "--log-level", "info"}, args...),
		dataDir+".log", time.Minute)
	require.NoError(t, err)
	t.Cleanup(p.Kill)
	return &child{URL: p.URL, p: p}
}

// kill stops the child with SIGKILL, as a crash or OOM kill does.
func (c *child) kill(t testing.TB) {
	t.Helper()
	require.NoError(t, c.p.Cmd.Process.Kill())
	<-c.p.Done()
}

// terminate sends SIGTERM and returns the process's exit error.
func (c *child) terminate(t testing.TB) error {
	t.Helper()
	select {
	case <-c.p.Done():
		t.Fatal("the emulator had exited before SIGTERM")
	default:
	}
	err := c.p.Terminate(2 * time.Minute)
	select {
	case <-c.p.Done():
		return err
	default:
		t.Fatal("emulator did not exit after SIGTERM")
		return nil
	}
}

func (c *child) client() *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(childAK, childSK)).
		WithRegion(DefaultRegion).WithEndpoint(c.URL).WithRetryMaxAttempts(1))
}

// childTask is the task API view the tests read.
type childTask struct {
	TaskID, Status, Code, Message string
	Progress, Attempts            int
	Targets                       []struct{ URI string }
	// Runs is which node ran which attempt (GetTask only).
	Runs []struct {
		Attempt int
		Node    string
	}
}

// tasks lists every task (one page of up to 100).
func (c *child) tasks(t testing.TB, status string) []childTask {
	t.Helper()
	resp, body := testutil.GetBasicAuth(t.Context(), t, c.URL+"/_ossemu/tasks?limit=100&status="+status, childAK, childSK)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var l struct{ Tasks []childTask }
	require.NoError(t, json.Unmarshal(body, &l))
	return l.Tasks
}

// waitFor polls the task API (the child is another process: there is no
// channel to wait on) until cond holds for the task list.
func (c *child) waitFor(t *testing.T, what string, cond func(all []childTask) bool) []childTask {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		all := c.tasks(t, "")
		if cond(all) {
			return all
		}
		for _, task := range all {
			require.NotEqual(t, "Failed", task.Status, "%s failed: %s: %s", task.TaskID, task.Code, task.Message)
		}
		require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
		<-tick.C
	}
}

func count(all []childTask, status string) int {
	n := 0
	for _, task := range all {
		if task.Status == status {
			n++
		}
	}
	return n
}

// makeClip renders a short H.264/AAC clip with the ffmpeg CLI.
func makeClip(t testing.TB, seconds float64, size string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "clip.mp4")
	d := strconv.FormatFloat(seconds, 'f', -1, 64)
	out, err := exec.Command("ffmpeg", "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc=size="+size+":rate=25:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:duration="+d,
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", p).CombinedOutput()
	require.NoError(t, err, string(out))
	return p
}

func (c *child) upload(t testing.TB, key, path string) {
	t.Helper()
	_, err := c.client().PutObjectFromFile(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, path)
	require.NoError(t, err)
}

func (c *child) submit(t testing.TB, key, process string) string {
	t.Helper()
	res, err := c.client().AsyncProcessObject(context.Background(), &oss.AsyncProcessObjectRequest{
		Bucket: oss.Ptr("media"), Key: oss.Ptr(key), AsyncProcess: oss.Ptr(process),
	})
	require.NoError(t, err)
	return res.TaskId
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// probe downloads an object and returns ffprobe's view of it.
type probed struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func (c *child) probe(t *testing.T, key string) probed {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.Base(key))
	_, err := c.client().GetObjectToFile(context.Background(), &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr(key)}, p)
	require.NoError(t, err, key)
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
		"stream=codec_type,codec_name,width,height:format=duration", "-of", "json", p).Output()
	require.NoError(t, err, key)
	var v probed
	require.NoError(t, json.Unmarshal(out, &v))
	return v
}

func (p probed) duration(t *testing.T) float64 {
	d, err := strconv.ParseFloat(p.Format.Duration, 64)
	require.NoError(t, err)
	return d
}

// listKeys lists the keys under prefix in media.
func (c *child) listKeys(t *testing.T, prefix string) []string {
	t.Helper()
	res, err := c.client().ListObjectsV2(context.Background(), &oss.ListObjectsV2Request{Bucket: oss.Ptr("media"), Prefix: oss.Ptr(prefix), MaxKeys: 1000})
	require.NoError(t, err)
	var keys []string
	for _, o := range res.Contents {
		keys = append(keys, oss.ToString(o.Key))
	}
	return keys
}

// ffprobeDuration returns a local file's container duration in seconds.
func ffprobeDuration(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	require.NoError(t, err)
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	require.NoError(t, err)
	return d
}
