package e2e

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// requireTool finds a client binary; a missing one fails the test under
// CI=true (scripts/install-s3-clients.sh installs it) and skips it
// elsewhere.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; scripts/install-s3-clients.sh installs it", name)
		}
		t.Skipf("%s is not installed (scripts/install-s3-clients.sh)", name)
	}
	return p
}

// rclone runs one rclone command against the remote "emu" configured by
// env (RCLONE_CONFIG_EMU_*), with no config file, no retries, and none of
// the environment's CA bundle or proxy settings (rclone's AWS SDK refuses
// AWS_CA_BUNDLE with its own transport).
func rclone(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--config", "", "--retries", "1", "--low-level-retries", "1"}, args...)...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "AWS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY":
			continue
		}
		if strings.HasPrefix(name, "RCLONE_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "rclone %s: %s", strings.Join(args, " "), stderr.String())
	return string(out)
}

// TestS3Rclone drives rclone's S3 backend (Debian 12 ships 1.60) with
// provider Other, path-style against the emulator's address (SigV4, and
// SigV2 with v2_auth), and provider
// Alibaba, which always addresses buckets virtual-hosted
// (<bucket>.<endpoint>): its endpoint is the real OSS name and the
// emulator is its HTTP proxy, so <bucket>.oss-cn-hangzhou.aliyuncs.com
// reaches the emulator without DNS.
func TestS3Rclone(t *testing.T) {
	t.Parallel()
	bin := requireTool(t, "rclone")
	e := startEmulator(t, "rclone-other", "rclone-v2", "rclone-ali")
	base := []string{"RCLONE_CONFIG_EMU_TYPE=s3", "RCLONE_CONFIG_EMU_ACCESS_KEY_ID=" + testAK,
		"RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY=" + testSK}
	for _, tc := range []struct {
		provider, bucket string
		env              []string
	}{
		{"Other", "rclone-other", []string{"RCLONE_CONFIG_EMU_PROVIDER=Other", "RCLONE_CONFIG_EMU_ENDPOINT=" + e.URL}},
		{"Other-v2-auth", "rclone-v2", []string{"RCLONE_CONFIG_EMU_PROVIDER=Other", "RCLONE_CONFIG_EMU_ENDPOINT=" + e.URL,
			"RCLONE_CONFIG_EMU_V2_AUTH=true"}},
		{"Alibaba", "rclone-ali", []string{"RCLONE_CONFIG_EMU_PROVIDER=Alibaba",
			"RCLONE_CONFIG_EMU_ENDPOINT=http://oss-cn-hangzhou.aliyuncs.com", "HTTP_PROXY=" + e.URL}},
	} {
		t.Run(tc.provider, func(t *testing.T) {
			t.Parallel()
			rcloneSession(t, e, bin, append(append([]string(nil), base...), tc.env...), tc.bucket)
		})
	}
}

func rcloneSession(t *testing.T, e *emulator, bin string, env []string, bucket string) {
	src := t.TempDir()
	files := map[string][]byte{
		"a.txt":       []byte("alpha\n"),
		"sub/b.txt":   []byte("beta\n"),
		"sub/big.bin": randomBytes(t, 12<<20+3), // multipart with the 5 MiB cutoff below
	}
	for name, data := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(src, name), data, 0o644))
	}
	remote := "emu:" + bucket + "/tree"
	mp := []string{"--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"}
	rclone(t, bin, env, append([]string{"copy", src, remote}, mp...)...)

	require.Equal(t, []string{"12582915 sub/big.bin", "5 sub/b.txt", "6 a.txt"}, sortedLines(rclone(t, bin, env, "ls", remote)))
	require.Contains(t, rclone(t, bin, env, "lsd", "emu:"+bucket), " tree")
	require.Contains(t, rclone(t, bin, env, "lsd", "emu:"), " "+bucket)
	require.Equal(t, "beta\n", rclone(t, bin, env, "cat", remote+"/sub/b.txt"))

	// What rclone stored, read back by the OSS SDK: bytes and rclone's mtime
	// metadata (x-amz-meta-mtime is x-oss-meta-mtime).
	got, err := e.v2().GetObject(t.Context(), &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("tree/sub/big.bin")})
	require.NoError(t, err)
	data, err := io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(files["sub/big.bin"], data))
	require.NotEmpty(t, got.Metadata["mtime"], "rclone's mtime metadata")

	rclone(t, bin, env, "delete", remote+"/a.txt")
	require.Equal(t, []string{"12582915 sub/big.bin", "5 sub/b.txt"}, sortedLines(rclone(t, bin, env, "ls", remote)))

	require.NoError(t, os.Remove(filepath.Join(src, "sub/b.txt")))
	require.NoError(t, os.WriteFile(filepath.Join(src, "c.txt"), []byte("gamma\n"), 0o644))
	rclone(t, bin, env, append([]string{"sync", src, remote}, mp...)...)
	require.Equal(t, []string{"12582915 sub/big.bin", "6 a.txt", "6 c.txt"}, sortedLines(rclone(t, bin, env, "ls", remote)))
	rclone(t, bin, env, "check", src, remote)
}

// sortedLines trims rclone's listing lines and sorts them.
func sortedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	sort.Strings(out)
	return out
}
