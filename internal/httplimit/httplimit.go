// Package httplimit bounds how long a client may hold a connection of
// ossemu's HTTP servers (the OSS port and the MNS port) without making
// progress, so idle or hostile clients cannot pile up connections and
// goroutines:
//
//   - a keep-alive connection idle between requests is closed after
//     IdleTimeout;
//   - request headers must arrive within ReadHeaderTimeout;
//   - a request body must keep arriving: in every BodyTimeout window at
//     least BodyMinRate × BodyTimeout bytes (a window starts when the
//     previous one's quota is met), so a connection that sends no byte for
//     BodyTimeout, or trickles below the rate, is closed. There is no
//     deadline on a whole body: a multi-GB upload on a slow link takes as
//     long as it takes as long as it moves.
//
// Responses are not bounded: a large download on a slow link is legitimate.
package httplimit

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Config holds the limits. The zero value of a duration disables that limit.
type Config struct {
	// IdleTimeout closes keep-alive connections idle between requests.
	// Default 90s, longer than the SDKs' own idle-connection timeouts (the
	// Go v2 SDK's is 50 s, the Java SDK's 60 s), so a client never reuses a
	// connection the server is closing at that moment.
	IdleTimeout time.Duration
	// ReadHeaderTimeout bounds the time to receive a request's headers.
	// Default 30s.
	ReadHeaderTimeout time.Duration
	// BodyTimeout is the window of the body rule: no byte for this long
	// closes the connection. Default 60s.
	BodyTimeout time.Duration
	// BodyMinRate is the slowest accepted body, in bytes per second,
	// averaged over each BodyTimeout window. Default 1024 (1 KiB/s, at which
	// a 5 GiB upload would take two months); 0 keeps only the no-byte rule.
	BodyMinRate int64
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{IdleTimeout: 90 * time.Second, ReadHeaderTimeout: 30 * time.Second,
		BodyTimeout: 60 * time.Second, BodyMinRate: 1024}
}

// Validate refuses negative limits.
func (c Config) Validate() error {
	if c.IdleTimeout < 0 || c.ReadHeaderTimeout < 0 || c.BodyTimeout < 0 || c.BodyMinRate < 0 {
		return errors.New("httplimit: timeouts and the body rate must not be negative")
	}
	return nil
}

// Apply sets the server's idle and header timeouts and wraps its handler
// with the body rule (Handler).
func (c Config) Apply(s *http.Server) {
	s.IdleTimeout = c.IdleTimeout
	s.ReadHeaderTimeout = c.ReadHeaderTimeout
	s.Handler = c.Handler(s.Handler)
}

// ErrBodyStalled is wrapped by the error a guarded body returns when the
// client stopped sending (or sent too slowly): errors.Is(err,
// os.ErrDeadlineExceeded) holds for it too.
var ErrBodyStalled = errors.New("the request body stalled")

// Handler enforces the body rule on every request with a body. It works on
// the connection's read deadline (http.ResponseController), which also
// bounds what Go's server reads of a body the handler left unread (it reads
// up to 256 KiB of it, to reuse the connection, before sending the
// response).
func (c Config) Handler(next http.Handler) http.Handler {
	if c.BodyTimeout <= 0 {
		return next
	}
	need := max(1, c.BodyMinRate*int64(c.BodyTimeout/time.Second))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		g := &guardedBody{body: r.Body, rc: http.NewResponseController(w), window: c.BodyTimeout, need: need}
		g.startWindow(time.Now())
		// A shallow copy, as http.MaxBytesHandler makes: the server keeps
		// its own view of the original body (for 100-continue and for
		// deciding whether to drain it).
		r2 := *r
		r2.Body = g
		next.ServeHTTP(w, &r2)
	})
}

// guardedBody is a request body read under the body rule.
type guardedBody struct {
	body   io.ReadCloser
	rc     *http.ResponseController
	window time.Duration
	need   int64 // bytes due in each window
	got    int64 // bytes received in the current window
	ended  bool  // EOF or an error: the deadline is off
}

// startWindow begins a window at now: its quota is due by now + window.
func (g *guardedBody) startWindow(now time.Time) {
	g.got = 0
	// An unsupported deadline (a test's ResponseRecorder) just means no
	// guard; the server's connections all support it.
	_ = g.rc.SetReadDeadline(now.Add(g.window))
}

func (g *guardedBody) Read(p []byte) (int, error) {
	n, err := g.body.Read(p)
	if g.ended {
		return n, err
	}
	if err != nil {
		g.ended = true
		switch {
		case err == io.EOF:
			// At the end of the body Go's server starts a background read
			// on the connection (to notice the client leaving), which must
			// not inherit the deadline: the server clears it then, and so
			// does this, in case a wrapper reads past the end.
			_ = g.rc.SetReadDeadline(time.Time{})
		case errors.Is(err, os.ErrDeadlineExceeded):
			// The deadline stays passed: the server must not go on reading
			// (to drain the body) from a client that stopped sending.
			err = fmt.Errorf("%w: less than %d bytes arrived within %s: %w", ErrBodyStalled, g.need, g.window, err)
		}
		return n, err
	}
	if g.got += int64(n); g.got >= g.need {
		g.startWindow(time.Now())
	}
	return n, nil
}

func (g *guardedBody) Close() error { return g.body.Close() }
