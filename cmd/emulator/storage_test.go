package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/storage/s3"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

func TestStorageFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(nil, env(nil), io.Discard)
	require.NoError(t, err)
	require.Equal(t, StorageLocal, cfg.Select.Kind)

	cfg, err = parseConfig([]string{"--storage", "s3", "--s3-endpoint", "http://127.0.0.1:7070", "--s3-bucket-prefix", "oss-"},
		env(map[string]string{"OSSEMU_S3_ACCESS_KEY_ID": "ak", "OSSEMU_S3_SECRET_ACCESS_KEY": "sk", "OSSEMU_S3_REGION": "eu-west-1", "OSSEMU_S3_PATH_STYLE": "false"}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, StorageS3, cfg.Select.Kind)
	require.Equal(t, s3.Config{Endpoint: "http://127.0.0.1:7070", Region: "eu-west-1", AccessKeyID: "ak", SecretAccessKey: "sk", BucketPrefix: "oss-"}, cfg.Select.S3)

	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"--storage", "gcs"}, "--storage"},
		{[]string{"--storage", "s3", "--s3-endpoint", "127.0.0.1:7070"}, "--s3-endpoint"},
		{[]string{"--storage", "s3", "--s3-access-key-id", "ak"}, "together"},
	} {
		_, err := parseConfig(c.args, env(nil), io.Discard)
		require.ErrorContains(t, err, c.err, c.args)
	}
}

// TestRunWithS3Storage runs the emulator in front of a real S3 server: the
// v2 SDK's put (with its CRC-64 check) and get round-trip, and a sprite task
// reads its MP4 (moov at the end, so libav seeks) through the S3 object and
// writes its sheet back to S3.
func TestRunWithS3Storage(t *testing.T) {
	t.Parallel()
	testutil.RequireCommand(t, "ffmpeg")
	endpoint, s3cfg := startS3Emulator(t)
	ctx := context.Background()
	c := v2Client(endpoint)
	body := bytes.Repeat([]byte("ossemu over s3 "), 5000)
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("dir/note.txt"), Body: bytes.NewReader(body),
		ContentType: oss.Ptr("text/plain"), Metadata: map[string]string{"owner": "alice"}})
	require.NoError(t, err)
	got, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("dir/note.txt"), Range: oss.Ptr("bytes=15-29")})
	require.NoError(t, err)
	part, err := io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "ossemu over s3 ", string(part))
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("dir/note.txt")})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"owner": "alice"}, lower(head.Metadata))
	require.Equal(t, int64(len(body)), head.ContentLength)

	clip := filepath.Join(t.TempDir(), "in.mp4")
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1",
		"-f", "lavfi", "-i", "sine=duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip).CombinedOutput()
	require.NoError(t, err, string(out))
	_, err = c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4")}, clip)
	require.NoError(t, err)
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4"),
		AsyncProcess: oss.Ptr("video/sprite,f_jpg,sw_64,sh_48,inter_250,tw_2,th_2|sys/saveas,o_" + enc("out/sheet.{autoext}"))})
	require.NoError(t, err)
	waitTaskDone(t, endpoint, rs.TaskId)

	// The sheet is in the S3 store itself, not on local disk.
	direct, err := s3.New(s3cfg)
	require.NoError(t, err)
	info, err := direct.StatObject(ctx, "media", "out/sheet.jpg")
	require.NoError(t, err)
	require.Positive(t, info.Size)
	sheet, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("out/sheet.jpg")})
	require.NoError(t, err)
	img, err := jpeg.Decode(sheet.Body)
	sheet.Body.Close()
	require.NoError(t, err)
	// 4 frames of 1 s at 250 ms: one 2x2 sheet, default pad 2 and margin 2.
	require.Equal(t, 2*2+2*64+2, img.Bounds().Dx())
	require.Equal(t, 2*2+2*48+2, img.Bounds().Dy())

	// A concat writes its output back through the backend's PutObject.
	rs, err = c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("in.mp4"),
		AsyncProcess: oss.Ptr("video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("in.mp4") + "|sys/saveas,o_" + enc("out/joined.mp4"))})
	require.NoError(t, err)
	waitTaskDone(t, endpoint, rs.TaskId)
	joined := filepath.Join(t.TempDir(), "joined.mp4")
	_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("out/joined.mp4")}, joined)
	require.NoError(t, err)
	out, err = exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", joined).Output()
	require.NoError(t, err)
	dur, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	require.NoError(t, err)
	require.InDelta(t, 2.0, dur, 0.1, "the clip joined to itself")
}

// startS3Emulator runs the emulator with --storage s3 in front of a fresh
// versitygw, stopped (and checked to stop cleanly) when t ends.
func startS3Emulator(t *testing.T) (endpoint string, s3cfg s3.Config) {
	t.Helper()
	s3cfg = s3test.Start(t)
	s3cfg.BucketPrefix = "emu-"
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--buckets", "media", "--log-level", "warn",
			"--storage", "s3", "--s3-endpoint", s3cfg.Endpoint, "--s3-access-key-id", s3cfg.AccessKeyID,
			"--s3-secret-access-key", s3cfg.SecretAccessKey, "--s3-bucket-prefix", s3cfg.BucketPrefix}, env(nil), pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(line), "ossemu listening on ")
	require.True(t, ok, line)
	go io.Copy(io.Discard, pr)
	return endpoint, s3cfg
}

func v2Client(endpoint string) *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(DefaultAccessKeyID, DefaultAccessKeySecret)).
		WithRegion(DefaultRegion).WithEndpoint(endpoint).WithRetryMaxAttempts(1))
}

// TestS3MultipartThroughSDKs uploads with the SDKs' multipart uploaders in
// 100 KiB parts (OSS's minimum, far under S3's 5 MiB) and downloads in
// ranged parts; both SDKs check the CRC-64 of the whole object.
func TestS3MultipartThroughSDKs(t *testing.T) {
	t.Parallel()
	endpoint, _ := startS3Emulator(t)
	ctx := context.Background()
	c := v2Client(endpoint)
	data := make([]byte, 1<<20+4321)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	src := filepath.Join(t.TempDir(), "src.bin")
	require.NoError(t, os.WriteFile(src, data, 0o644))

	res, err := c.NewUploader(func(o *oss.UploaderOptions) { o.PartSize = 100 << 10; o.ParallelNum = 3 }).
		UploadFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("up/v2.bin")}, src)
	require.NoError(t, err)
	require.Contains(t, oss.ToString(res.ETag), "-11", "11 parts")
	dst := filepath.Join(t.TempDir(), "v2.bin")
	_, err = c.NewDownloader(func(o *oss.DownloaderOptions) { o.PartSize = 256 << 10; o.ParallelNum = 3 }).
		DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("up/v2.bin")}, dst)
	require.NoError(t, err)
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got))

	v1, err := ossv1.New(endpoint, DefaultAccessKeyID, DefaultAccessKeySecret)
	require.NoError(t, err)
	bk, err := v1.Bucket("media")
	require.NoError(t, err)
	require.NoError(t, bk.UploadFile("up/v1.bin", src, 100<<10, ossv1.Routines(3)))
	dst1 := filepath.Join(t.TempDir(), "v1.bin")
	require.NoError(t, bk.GetObjectToFile("up/v1.bin", dst1))
	got, err = os.ReadFile(dst1)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got))
}

// waitTaskDone polls the task API (the emulator offers no event to wait
// on without a notify endpoint) until the task succeeds, for at most 90 s.
func waitTaskDone(t *testing.T, endpoint, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		_, body := testutil.GetBasicAuth(ctx, t, endpoint+"/_ossemu/tasks/"+id, DefaultAccessKeyID, DefaultAccessKeySecret)
		var v struct{ Status, Code, Message string }
		require.NoError(t, json.Unmarshal(body, &v), string(body))
		switch v.Status {
		case "Succeeded":
			return
		case "Failed":
			t.Fatalf("task %s failed: %s: %s", id, v.Code, v.Message)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("task %s still %s", id, v.Status)
		}
	}
}

func lower(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}
