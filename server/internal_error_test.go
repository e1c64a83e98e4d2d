package server_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/server"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
)

// brokenStore fails StatObject/GetObject with an error that is not an OSS error.
type brokenStore struct{ *local.Backend }

func (brokenStore) GetObject(context.Context, string, string) (storage.Object, error) {
	return nil, errors.New("disk on fire")
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Unknown errors are logged with the request id and answered 500
// InternalError without leaking the cause.
func TestInternalErrorIsLogged(t *testing.T) {
	t.Parallel()
	store, err := local.Open(context.Background(), local.Config{Dir: t.TempDir(), NoSync: true})
	require.NoError(t, err)
	defer store.Close()
	require.NoError(t, store.CreateBucket(context.Background(), "broken"))
	var logs lockedBuffer
	srv, err := server.New(server.Config{Region: testRegion}, server.Deps{
		Storage:  brokenStore{store},
		Verifier: auth.New(auth.Config{Credentials: auth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, Region: testRegion}),
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	e := &env{URL: ts.URL, Addr: ts.Listener.Addr().String()}

	resp := e.do(t, http.MethodGet, "broken", "k", "", nil, nil)
	doc := requireOSSError(t, resp, 500, "InternalError")
	require.NotContains(t, doc.Message, "disk on fire")
	require.Contains(t, logs.String(), "disk on fire")
	require.Contains(t, logs.String(), doc.RequestId)
}

func TestNewRequiresDeps(t *testing.T) {
	t.Parallel()
	_, err := server.New(server.Config{Region: testRegion}, server.Deps{})
	require.Error(t, err)
	_, err = server.New(server.Config{}, server.Deps{})
	require.ErrorContains(t, err, "region")
}
