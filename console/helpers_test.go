package console

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage/local"
)

const (
	testAK = "console-ak"
	testSK = "console-sk"
)

// env is a console over a real queue (SQLite), pool and local storage.
type env struct {
	srv   *httptest.Server
	c     *Console
	q     *queue.Queue
	pool  *queue.Pool
	store *local.Backend
	v     *auth.Verifier
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	q, err := queue.Open(ctx, filepath.Join(dir, "tasks.db"))
	require.NoError(t, err)
	t.Cleanup(func() { q.Close() })
	store, err := local.Open(ctx, local.Config{Dir: filepath.Join(dir, "data")})
	require.NoError(t, err)
	require.NoError(t, store.CreateBucket(ctx, "media"))
	pc := queue.DefaultConfig()
	pc.WorkRoot, pc.Storage = filepath.Join(dir, "work"), store
	pool, err := queue.NewPool(q, pc) // never run: tasks stay queued
	require.NoError(t, err)
	v := auth.New(auth.Config{Credentials: auth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, Region: "cn-hangzhou"})
	e := &env{q: q, pool: pool, store: store, v: v, now: time.Now()}
	e.c, err = New(Config{
		AccessKeyID: testAK, AccessKeySecret: testSK, Tasks: q, Canceller: pool, Events: q, Storage: store,
		Authenticator: v, Presigner: v, Now: func() time.Time { return e.now },
	})
	require.NoError(t, err)
	e.srv = httptest.NewServer(e.c.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request to the console; opts may set headers.
func (e *env) do(t *testing.T, method, path, body string, headers ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func basic() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(testAK+":"+testSK))
}

// api GETs or POSTs the data API with HTTP Basic and decodes the JSON.
func (e *env) api(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	res := e.do(t, method, DefaultPrefix+"api/"+path, body, "Authorization", basic(), "Content-Type", "application/json")
	if out != nil {
		require.NoError(t, json.NewDecoder(res.Body).Decode(out))
	}
	return res.StatusCode
}

// login signs in through the form and returns the session cookie.
func (e *env) login(t *testing.T) *http.Cookie {
	t.Helper()
	form := url.Values{"access_key_id": {testAK}, "access_key_secret": {testSK}, "next": {DefaultPrefix + "#/tasks"}}
	res := e.do(t, "POST", DefaultPrefix+"login", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	for _, c := range res.Cookies() {
		if c.Name == cookieName {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// enqueue stores a task as the async endpoint would.
func (e *env) enqueue(t *testing.T, object, process string) *queue.Task {
	t.Helper()
	pl, err := parser.Parse(process)
	require.NoError(t, err)
	task, err := e.q.Enqueue(context.Background(), queue.NewTask{RequestID: "REQ", Action: pl.Action(), Bucket: "media", Object: object, Process: process})
	require.NoError(t, err)
	return task
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// countingEvents is an Events whose events the test sends by hand.
type countingEvents struct {
	mu         sync.Mutex
	subscribed int
	chans      []chan queue.Event
}

func (c *countingEvents) Subscribe() (<-chan queue.Event, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subscribed++
	ch := make(chan queue.Event, 10)
	c.chans = append(c.chans, ch)
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			for i, x := range c.chans {
				if x == ch {
					c.chans = append(c.chans[:i], c.chans[i+1:]...)
					close(ch)
					break
				}
			}
		})
	}
}

func (c *countingEvents) send(e queue.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.chans {
		ch <- e
	}
}

func (c *countingEvents) active() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.chans)
}
