package server_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage/local"
)

const (
	testAK     = "test-ak"
	testSK     = "test-secret"
	testRegion = "cn-hangzhou"
)

// env is one emulator behind httptest with its own data directory.
type env struct {
	URL   string // http://127.0.0.1:port
	Addr  string // 127.0.0.1:port
	Store *local.Backend
	Dir   string
}

func newEnv(t testing.TB, buckets ...string) *env {
	t.Helper()
	dir := t.TempDir()
	store := openStore(t, dir, buckets...)
	srv, err := server.New(server.Config{Region: testRegion, Domain: "oss.test"}, server.Deps{
		Storage:  store,
		Verifier: testVerifier(),
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{URL: ts.URL, Addr: ts.Listener.Addr().String(), Store: store, Dir: dir}
}

// hostRewritingClient dials the emulator whatever host a URL names, so SDKs
// can use virtual-hosted endpoints such as bucket.oss-cn-hangzhou.aliyuncs.com.
func (e *env) hostRewritingClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, e.Addr)
	}
	return &http.Client{Transport: tr}
}

// openStore opens a local backend in dir holding buckets; it is closed when
// the test ends.
func openStore(t testing.TB, dir string, buckets ...string) *local.Backend {
	t.Helper()
	store, err := local.Open(context.Background(), local.Config{Dir: dir, NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	for _, b := range buckets {
		require.NoError(t, store.CreateBucket(context.Background(), b))
	}
	return store
}

// testVerifier checks signatures against the test key pair.
func testVerifier() *auth.Verifier {
	return auth.New(auth.Config{Credentials: auth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, Region: testRegion})
}
