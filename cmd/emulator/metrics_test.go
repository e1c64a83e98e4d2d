package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// TestMetricsTakeTheKeyPairUnlessPublic: /_ossemu/metrics refuses anonymous
// scrapes by default and serves them with --metrics-public (or
// OSSEMU_METRICS_PUBLIC); the key pair works either way. Health stays open.
func TestMetricsTakeTheKeyPairUnlessPublic(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(nil, env(map[string]string{"OSSEMU_METRICS_PUBLIC": "true"}), io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.Server.MetricsPublic)
	for _, tc := range []struct {
		name      string
		args      []string
		anonymous int
	}{
		{"default", nil, http.StatusForbidden},
		{"public", []string{"--metrics-public"}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			endpoint, stop := startEmulator(t, append([]string{"--data-dir", t.TempDir()}, tc.args...)...)
			defer stop()
			get := func(path string) int {
				resp, err := http.Get(endpoint + path)
				require.NoError(t, err)
				resp.Body.Close()
				return resp.StatusCode
			}
			require.Equal(t, tc.anonymous, get("/_ossemu/metrics"))
			require.Equal(t, http.StatusOK, get("/_ossemu/health"))
			resp, body := testutil.GetBasicAuth(t.Context(), t, endpoint+"/_ossemu/metrics", DefaultAccessKeyID, DefaultAccessKeySecret)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Contains(t, string(body), "ossemu_tasks")
		})
	}
}
