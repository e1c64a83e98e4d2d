package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/server"
)

// TestOpsOnlyServesHealthAndMetrics: a worker node answers its probes (the
// metrics, as on any node, with the key pair) and refuses the OSS API and
// the other emulator endpoints with an OSS error.
func TestOpsOnlyServesHealthAndMetrics(t *testing.T) {
	t.Parallel()
	store := openStore(t, t.TempDir(), "media")
	srv, err := server.New(server.Config{Region: testRegion, OpsOnly: true}, server.Deps{Storage: store, Verifier: testVerifier()})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tests := []struct {
		method, path string
		status       int
		contains     string
		basic        bool
	}{
		{"GET", "/_ossemu/health", http.StatusOK, `"status":"ok"`, false},
		{"GET", "/_ossemu/metrics", http.StatusOK, "ossemu_http_requests_total", true},
		{"GET", "/_ossemu/metrics", http.StatusForbidden, "<Code>AccessDenied</Code>", false},
		{"GET", "/media/clip.mp4", http.StatusNotImplemented, "<Code>NotImplemented</Code>", false},
		{"PUT", "/media/clip.mp4", http.StatusNotImplemented, "send requests to an api node", false},
		{"GET", "/", http.StatusNotImplemented, "--role worker", false},
		{"GET", "/_ossemu/tasks", http.StatusNotImplemented, "not /_ossemu/tasks", false},
		{"POST", "/_ossemu/health", http.StatusNotImplemented, "worker", false},
	}
	for _, tc := range tests {
		req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(""))
		require.NoError(t, err)
		if tc.basic {
			req.SetBasicAuth(testAK, testSK)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, tc.status, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
		require.Contains(t, string(body), tc.contains, "%s %s", tc.method, tc.path)
	}
}
