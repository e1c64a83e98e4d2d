package notifier

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

func TestEveryAttemptIsLogged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, got := receiver(t, func(k int, _ pushed) int {
		if k == 1 {
			return http.StatusBadGateway
		}
		return http.StatusNoContent
	})
	n := newNotifier(t, dir, testutil.OpenSQLite(t, dir), func(c *Config) {
		c.Endpoints = []Endpoint{{Topic: "jobs", URL: srv.URL + "/hook", Format: FormatXML}}
	})
	testutil.RunBackground(t, n.Run)
	before := time.Now().Add(-time.Second)
	id := finish(t, n, sampleTask("MediaConvert-h", "jobs"))
	next(t, got)
	next(t, got)
	st := waitState(t, n, id, StateDelivered)
	require.Len(t, st.Deliveries, 1)
	h := st.Deliveries[0].History
	require.Len(t, h, 2)
	require.False(t, h[0].OK)
	require.Equal(t, http.StatusBadGateway, h[0].Status)
	require.True(t, h[1].OK)
	require.Equal(t, http.StatusNoContent, h[1].Status)
	require.True(t, h[0].At.After(before) && !h[1].At.Before(h[0].At), "%v %v", h[0].At, h[1].At)
}

func TestUnreachableAttemptKeepsTheError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := newNotifier(t, dir, testutil.OpenSQLite(t, dir), func(c *Config) {
		c.Endpoints = []Endpoint{{Topic: "jobs", URL: "http://127.0.0.1:1/nobody", Format: FormatXML}}
		c.MaxAttempts = 1
	})
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-u", "jobs"))
	st := waitState(t, n, id, StateDead)
	h := st.Deliveries[0].History
	require.Len(t, h, 1)
	require.False(t, h[0].OK)
	require.Zero(t, h[0].Status)
	require.Contains(t, h[0].Response, "127.0.0.1:1")
}
