package server_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/server"
)

// notifyEnv is an emulator whose server is wired to a running notifier, as
// cmd/emulator wires them.
type notifyEnv struct {
	env
	n *notifier.Notifier
}

func newNotifyEnv(t *testing.T, buckets ...string) *notifyEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store := openStore(t, filepath.Join(dir, "objects"), buckets...)
	n, err := notifier.New(ctx, notifier.Config{DataDir: dir, PollInterval: 50 * time.Millisecond},
		notifier.Deps{DB: testutil.OpenSQLite(t, dir)})
	require.NoError(t, err)
	testutil.RunBackground(t, n.Run)
	srv, err := server.New(server.Config{Region: testRegion, Domain: "oss.test"}, server.Deps{
		Storage:       store,
		Verifier:      testVerifier(),
		Notifications: n,
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &notifyEnv{env: env{URL: ts.URL, Addr: ts.Listener.Addr().String(), Store: store, Dir: dir}, n: n}
}

// finish records a finished task's notification the way the queue does,
// inside the transaction that finishes it, and waits until the dispatcher
// has fanned it out (to nobody: no subscribers are configured).
func (e *notifyEnv) finish(t *testing.T, taskID, topic string) string {
	t.Helper()
	ctx := context.Background()
	tx, err := e.n.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	now := time.Now()
	id, err := e.n.OnFinish(ctx, tx, notifier.Task{ID: taskID, Topic: topic, Status: notifier.StatusSucceeded,
		Start: now, End: now, Sources: []string{"oss://b/in.mp4"}, Targets: []notifier.Target{{URI: "oss://b/out.mp4"}}})
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	require.Eventually(t, func() bool {
		st, err := e.n.MessageStatus(ctx, id)
		return err == nil && st != nil && st.State == notifier.StateNoSubscribers
	}, 10*time.Second, 5*time.Millisecond)
	return id
}

func TestNotifyStatus(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	id := e.finish(t, "MediaConvert-s", "lonely")

	get := func(path string) (*http.Response, []byte) {
		return testutil.GetBasicAuth(t.Context(), t, e.URL+path, testAK, testSK)
	}
	resp, body := get("/_ossemu/notify/tasks/MediaConvert-s")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var v map[string]any
	require.NoError(t, json.Unmarshal(body, &v))
	require.Equal(t, id, v["MessageId"])
	require.Equal(t, notifier.StateNoSubscribers, v["State"])

	resp, body = get("/_ossemu/notify/topics/lonely")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	v = nil
	require.NoError(t, json.Unmarshal(body, &v))
	require.Equal(t, "lonely", v["Topic"])
	require.Len(t, v["Messages"], 1)

	resp, body = get("/_ossemu/notify/tasks/unknown")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, string(body), "<Code>NotificationNotFound</Code>", "errors are OSS error XML")
	require.Equal(t, "0050-00000404", resp.Header.Get("x-oss-ec"))
	resp, body = get("/_ossemu/notify/else")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, string(body))
}

// TestEmulatorAccess checks each emulator route accepts exactly its
// credentials: health and the certificate none, metrics and the task API
// HTTP Basic or an OSS signature, the notification status HTTP Basic only.
func TestEmulatorAccess(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	e.finish(t, "MediaConvert-a", "t")
	type creds int
	const (
		none creds = iota
		basic
		wrongBasic
		signature
	)
	tests := []struct {
		name, method, path string
		creds              creds
		status             int
		code               string
	}{
		{"health", "GET", "/_ossemu/health", none, 200, ""},
		{"metrics anonymous", "GET", "/_ossemu/metrics", none, 403, "AccessDenied"},
		{"metrics wrong secret", "GET", "/_ossemu/metrics", wrongBasic, 403, "SignatureDoesNotMatch"},
		{"metrics Basic", "GET", "/_ossemu/metrics", basic, 200, ""},
		{"metrics OSS signature", "GET", "/_ossemu/metrics", signature, 200, ""},
		{"certificate", "GET", server.CertPath, none, 200, ""},
		{"certificate HEAD", "HEAD", server.CertPath, none, 200, ""},
		{"certificate POST", "POST", server.CertPath, none, 405, "MethodNotAllowed"},
		{"status anonymous", "GET", "/_ossemu/notify/tasks/MediaConvert-a", none, 401, "AccessDenied"},
		{"status wrong secret", "GET", "/_ossemu/notify/tasks/MediaConvert-a", wrongBasic, 401, "AccessDenied"},
		{"status OSS signature", "GET", "/_ossemu/notify/tasks/MediaConvert-a", signature, 401, "AccessDenied"},
		{"status anonymous POST", "POST", "/_ossemu/notify/tasks/MediaConvert-a", none, 401, "AccessDenied"},
		{"status Basic", "GET", "/_ossemu/notify/tasks/MediaConvert-a", basic, 200, ""},
		{"status Basic HEAD", "HEAD", "/_ossemu/notify/tasks/MediaConvert-a", basic, 200, ""},
		{"status Basic POST", "POST", "/_ossemu/notify/tasks/MediaConvert-a", basic, 405, "MethodNotAllowed"},
		{"bare notify prefix", "GET", "/_ossemu/notify", basic, 400, "InvalidRequest"},
		{"tasks anonymous", "GET", "/_ossemu/tasks", none, 403, "AccessDenied"},
		{"tasks Basic, no queue", "GET", "/_ossemu/tasks", basic, 501, "NotImplemented"},
		{"tasks OSS signature, no queue", "GET", "/_ossemu/tasks", signature, 501, "NotImplemented"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), tc.method, e.URL+tc.path, nil)
			require.NoError(t, err)
			switch tc.creds {
			case basic:
				req.SetBasicAuth(testAK, testSK)
			case wrongBasic:
				req.SetBasicAuth(testAK, "nope")
			case signature:
				signV1(req, "_ossemu", strings.TrimPrefix(tc.path, "/_ossemu/"))
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			require.NotEmpty(t, resp.Header.Get("x-oss-request-id"))
			if tc.code != "" {
				require.Contains(t, string(body), "<Code>"+tc.code+"</Code>")
			}
			if tc.status == http.StatusUnauthorized {
				require.Equal(t, `Basic realm="ossemu"`, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestCertificateServed: the PEM at CertPath is the notifier's signing
// certificate.
func TestCertificateServed(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	resp, err := http.Get(e.URL + server.CertPath)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "application/x-pem-file", resp.Header.Get("Content-Type"))
	block, rest := pem.Decode(body)
	require.NotNil(t, block)
	require.Equal(t, "CERTIFICATE", block.Type)
	require.Empty(t, rest)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	require.True(t, cert.Equal(e.n.Certificate()))
}

// TestNotifyOff: a server without a notifier answers its endpoints
// NotImplemented instead of pretending.
func TestNotifyOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.Get(e.URL + server.CertPath)
	require.NoError(t, err)
	requireOSSError(t, resp, http.StatusNotImplemented, "NotImplemented")
	resp.Body.Close()
	resp, body := testutil.GetBasicAuth(t.Context(), t, e.URL+"/_ossemu/notify/tasks/x", testAK, testSK)
	require.Equal(t, http.StatusNotImplemented, resp.StatusCode, string(body))
}
