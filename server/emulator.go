package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/osserr"
)

// The emulator's own endpoints live under the path-style prefix /_ossemu/.
// A bucket can never be named "_ossemu" (bucket names start with a
// lower-case letter or a digit), so the prefix shadows no bucket; in a
// virtual-hosted request ("Host: bucket.localhost") the path is an object
// key, so "/_ossemu/notify/x" there is the object "_ossemu/notify/x" and
// never reaches these routes.
const (
	// Prefix is the path prefix of the emulator's endpoints.
	Prefix = "/_ossemu"
	// CertPath serves the push-signing certificate (PEM) receivers fetch
	// from the URL pushes name in x-mns-signing-cert-url.
	CertPath = Prefix + "/mns/cert.pem"
	// NotifyPrefix serves notification delivery state.
	NotifyPrefix = Prefix + "/notify"
)

// access is who may call an emulator endpoint.
type access int

const (
	// public endpoints take no credentials: orchestrators probe health,
	// push receivers fetch the certificate (and, with
	// Config.MetricsPublic, Prometheus scrapes metrics).
	public access = iota
	// basicOnly takes HTTP Basic with the emulator's key pair (`curl -u
	// id:secret`) and answers 401 with a Basic challenge otherwise.
	basicOnly
	// basicOrSignature takes HTTP Basic, or an OSS signature computed over
	// the request path as if "_ossemu" were a bucket and the rest of the
	// path its key (what an SDK's presigner produces for that URL).
	basicOrSignature
)

// authorize is the one credential check of the emulator's endpoints; a is
// the access the route was registered with.
func (s *Server) authorize(r *http.Request, a access) error {
	switch a {
	case public:
		return nil
	case basicOnly:
		if err := s.deps.Verifier.VerifyBasic(r); err != nil {
			reason := err.Error()
			if e, ok := osserr.As(err); ok {
				reason = e.Message
			}
			return osserr.New(osserr.BasicRequired, "use HTTP Basic with the emulator's AccessKey pair: %s", reason)
		}
		return nil
	case basicOrSignature:
		return s.deps.Verifier.Authenticate(r)
	}
	return fmt.Errorf("server: route registered with unknown access %d", a)
}

// metricsAccess is the metrics' access: the key pair, unless
// Config.MetricsPublic opens them to a scraper without credentials.
func (s *Server) metricsAccess() access {
	if s.cfg.MetricsPublic {
		return public
	}
	return basicOrSignature
}

// guard runs authorize before next; a refusal is written by writeError,
// with a Basic challenge when it is a 401.
func (s *Server) guard(a access) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := s.authorize(r, a); err != nil {
				refuseBody(w, r)
				if e, ok := osserr.As(err); ok && e.Code.Status == http.StatusUnauthorized {
					w.Header().Set("WWW-Authenticate", `Basic realm="ossemu"`)
				}
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// emulatorRoutes registers every endpoint under Prefix, each with its
// access:
//
//	GET /_ossemu/health                    public
//	GET /_ossemu/metrics                   basicOrSignature (public with Config.MetricsPublic)
//	GET /_ossemu/mns/cert.pem              public
//	GET /_ossemu/tasks[/<TaskId>]          basicOrSignature (tasks.go)
//	GET /_ossemu/notify/tasks/<TaskId>     basicOnly (notify.go)
//	GET /_ossemu/notify/topics/<topic>     basicOnly
//	    /_ossemu/console/…                 the web console (its own cookie, or Verifier.Authenticate)
func (s *Server) emulatorRoutes(r chi.Router) {
	r.With(s.guard(public)).Get("/health", s.health)
	r.With(s.guard(s.metricsAccess())).Get("/metrics", s.serveMetrics)
	r.With(s.guard(public)).HandleFunc(strings.TrimPrefix(CertPath, Prefix), s.serveCert)
	s.mountTasks(r)
	// One handler for everything below NotifyPrefix: credentials are
	// checked before the method and the path, so an unauthenticated caller
	// learns nothing about either.
	r.With(s.guard(basicOnly)).HandleFunc(strings.TrimPrefix(NotifyPrefix, Prefix)+"/*", s.serveNotifyStatus)
	if s.deps.Console != nil {
		r.Handle("/console", s.deps.Console)
		r.Handle("/console/*", s.deps.Console)
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errReserved(r))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, osserr.New(osserr.MethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path))
	})
}

// errReserved answers unknown paths under /_ossemu/. A request for the
// bare prefix looks like a bucket call, so it gets the bucket-name error.
func errReserved(r *http.Request) error {
	if r.URL.Path == Prefix || r.URL.Path == Prefix+"/" {
		return osserr.New(osserr.InvalidBucketName, "bucket names cannot start with '_': /_ossemu/ is reserved for the emulator's own endpoints")
	}
	return osserr.New(osserr.InvalidRequest, "%s is not an emulator endpoint; the /_ossemu/ prefix is reserved", r.URL.Path)
}

// health answers without authentication so orchestrators can probe it.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	setOp(w, "Health")
	if _, err := s.deps.Storage.ListBuckets(r.Context()); err != nil {
		s.deps.Logger.ErrorContext(r.Context(), "health check: storage failed", "err", err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unhealthy", "error": "storage unavailable"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"status": "ok", "region": s.cfg.Region})
}
