package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want func(t *testing.T, c Config)
		err  string
	}{
		{name: "defaults", want: func(t *testing.T, c Config) {
			require.Equal(t, DefaultAddr, c.Addr)
			require.Equal(t, DefaultDataDir, c.Storage.Dir)
			require.Equal(t, DefaultAccessKeyID, c.Credentials.AccessKeyID)
			require.Equal(t, DefaultAccessKeySecret, c.Credentials.AccessKeySecret)
			require.Equal(t, DefaultRegion, c.Server.Region)
			require.Empty(t, c.Buckets)
		}},
		{name: "env", env: map[string]string{"OSSEMU_ADDR": ":1234", "OSSEMU_BUCKETS": "a1b, c2d", "OSSEMU_REGION": "oss-cn-beijing", "OSSEMU_DOMAIN": "Oss.Test."},
			want: func(t *testing.T, c Config) {
				require.Equal(t, ":1234", c.Addr)
				require.Equal(t, []string{"a1b", "c2d"}, c.Buckets)
				require.Equal(t, "cn-beijing", c.Server.Region)
				require.Equal(t, "oss.test", c.Server.Domain)
			}},
		{name: "flag beats env", args: []string{"--data-dir", "/flag"}, env: map[string]string{"OSSEMU_DATA_DIR": "/env"},
			want: func(t *testing.T, c Config) { require.Equal(t, "/flag", c.Storage.Dir) }},
		{name: "bad bucket", args: []string{"--buckets", "Bad_Name"}, err: "not a valid bucket name"},
		{name: "empty secret", args: []string{"--access-key-secret", ""}, err: "access-key-secret"},
		{name: "bad duration env", env: map[string]string{"OSSEMU_SHUTDOWN_TIMEOUT": "soon"}, err: "OSSEMU_SHUTDOWN_TIMEOUT"},
		{name: "stray argument", args: []string{"serve"}, err: "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(c.args, env(c.env), io.Discard)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			c.want(t, cfg)
		})
	}
}

func TestHelpListsEveryContractFlag(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"--help"}, env(nil), &out))
	for _, f := range []string{"addr", "data-dir", "access-key-id", "access-key-secret", "region", "domain", "buckets"} {
		require.Contains(t, out.String(), "-"+f+" ")
		require.Contains(t, out.String(), envName(f))
	}
}

// TestRun starts the real emulator, uses it through the v1 SDK, and stops
// it by cancelling the context as SIGTERM does.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--buckets", "media,other", "--log-level", "warn"}, env(nil), pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(line), "ossemu listening on ")
	require.True(t, ok, line)
	go io.Copy(io.Discard, pr)

	resp, err := http.Get(endpoint + "/_ossemu/health")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)

	client, err := oss.New(endpoint, DefaultAccessKeyID, DefaultAccessKeySecret)
	require.NoError(t, err)
	lb, err := client.ListBuckets()
	require.NoError(t, err)
	require.Len(t, lb.Buckets, 2)
	b, err := client.Bucket("media")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("clip.mp4", strings.NewReader("data")))
	r, err := b.GetObject("clip.mp4")
	require.NoError(t, err)
	data, _ := io.ReadAll(r)
	r.Close()
	require.Equal(t, "data", string(data))

	cancel()
	require.NoError(t, <-done)
}
