package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// TestEmulatorPathsAreKeysWhenVirtualHosted: in a virtual-hosted request
// ("Host: vhost.localhost") the path is an object key, so keys that spell
// the emulator's own paths are ordinary objects, even on a server wired to
// a notifier; path style, the same paths stay the emulator's.
func TestEmulatorPathsAreKeysWhenVirtualHosted(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t, "vhost")
	_, port, _ := strings.Cut(e.Addr, ":")
	keys := []string{
		"_ossemu/notify/x", "_ossemu/notify/tasks/MediaConvert-1", "_ossemu/mns/cert.pem",
		"_ossemu/tasks", "_ossemu/tasks/MediaConvert-1", "_ossemu/health", "_ossemu/metrics", "_ossemu/nothing",
	}
	for _, endpoint := range []string{"http://localhost:" + port, "http://oss-cn-hangzhou.aliyuncs.com"} {
		client, err := oss.New(endpoint, testAK, testSK, oss.HTTPClient(e.hostRewritingClient()))
		require.NoError(t, err)
		b, err := client.Bucket("vhost")
		require.NoError(t, err)
		for _, key := range keys {
			require.NoError(t, b.PutObject(key, strings.NewReader(endpoint+" "+key)), key)
			r, err := b.GetObject(key)
			require.NoError(t, err, key)
			data, _ := io.ReadAll(r)
			r.Close()
			require.Equal(t, endpoint+" "+key, string(data), key)
			meta, err := b.GetObjectDetailedMeta(key)
			require.NoError(t, err, key)
			require.Equal(t, "Normal", meta.Get("x-oss-object-type"), key)
		}
		lr, err := b.ListObjects(oss.Prefix("_ossemu/"))
		require.NoError(t, err)
		require.Len(t, lr.Objects, len(keys))
		for _, key := range keys {
			require.NoError(t, b.DeleteObject(key), key)
		}
	}

	// Raw, with only the Host header making it virtual-hosted: unsigned, so
	// the object API refuses it, where the path-style route would answer.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.URL+"/_ossemu/health", nil)
	require.NoError(t, err)
	req.Host = "vhost.localhost:" + port
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	requireOSSError(t, resp, http.StatusForbidden, "AccessDenied")
	resp.Body.Close()

	// Path style, the emulator answers.
	resp, err = http.Get(e.URL + "/_ossemu/health")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), `"status":"ok"`)
	resp, body = testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/notify/x", "", "")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, string(body))
	resp, err = http.Get(e.URL + "/_ossemu/mns/cert.pem")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(string(body), "-----BEGIN CERTIFICATE-----"))
}
