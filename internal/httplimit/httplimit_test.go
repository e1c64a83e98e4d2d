package httplimit_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/httplimit"
)

// serve runs h behind cfg's limits on a real listener.
func serve(t *testing.T, cfg httplimit.Config, h http.HandlerFunc) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	cfg.Apply(ts.Config)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

// TestBodyRule: a body below the rate fails with ErrBodyStalled within the
// window and the connection is closed; a body read to its end leaves no
// deadline behind, so a handler that works long afterwards keeps its
// request context (Go's server watches the connection in the background
// from then on, and a leftover deadline would cancel the request).
func TestBodyRule(t *testing.T) {
	t.Parallel()
	cfg := httplimit.Config{BodyTimeout: 500 * time.Millisecond, BodyMinRate: 100}
	stalled := make(chan error, 1)
	addr := serve(t, cfg, func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/stall" {
			stalled <- err
			http.Error(w, "stalled", http.StatusBadRequest)
			return
		}
		require.NoError(t, err)
		select {
		case <-time.After(1500 * time.Millisecond): // three windows of work
			fmt.Fprint(w, "done")
		case <-r.Context().Done():
			t.Error("the request was cancelled after its body was read")
		}
	})

	stallingPut(t, addr, "/stall")
	serr := <-stalled
	require.ErrorIs(t, serr, httplimit.ErrBodyStalled)
	require.True(t, errors.Is(serr, os.ErrDeadlineExceeded), "%v", serr)

	resp, err := http.Post("http://"+addr+"/work", "text/plain", strings.NewReader("payload"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, "done", string(body))
}

// TestUnreadBodyDrainIsBounded: a handler that answers without reading a
// small body makes Go's server drain it before answering; the window bounds
// that drain, so a trickling client cannot hold the answer forever.
func TestUnreadBodyDrainIsBounded(t *testing.T) {
	t.Parallel()
	addr := serve(t, httplimit.Config{BodyTimeout: 500 * time.Millisecond, BodyMinRate: 100},
		func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusNotFound) })
	require.Contains(t, stallingPut(t, addr, "/x"), "404 Not Found")
}

// stallingPut sends a PUT announcing 1000 bytes and sends 3, then reads
// until the server closes the connection, which must be within 2 s; it
// returns what the server sent.
func stallingPut(t *testing.T, addr, path string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc", path)
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(start.Add(5*time.Second)))
	data, err := io.ReadAll(conn)
	require.NoError(t, err, "closed by the server")
	require.Less(t, time.Since(start), 2*time.Second)
	return string(data)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, httplimit.DefaultConfig().Validate())
	require.Error(t, httplimit.Config{BodyMinRate: -1}.Validate())
}
