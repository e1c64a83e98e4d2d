// Package server is ossemu's HTTP front end: it speaks the OSS REST API
// (addressing, authentication, buckets, objects, multipart, listing, errors)
// over a storage.Backend, and hosts the emulator's own endpoints under
// /_ossemu/.
package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
)

// Config configures the HTTP front end.
type Config struct {
	// Region is the OSS region ossemu pretends to be, e.g. "cn-hangzhou";
	// reported by GetBucketLocation and GetBucketInfo.
	Region string
	// Domain is the base domain for virtual-hosted requests: a request for
	// Host "<bucket>.<Domain>" addresses <bucket>. "localhost" and
	// "*.aliyuncs.com" hosts are always understood.
	Domain string
	// MaxObjectSize caps PutObject and UploadPart bodies (OSS: 5 GiB).
	MaxObjectSize int64
	// OpsOnly serves health and metrics only (a worker node, ops.go).
	OpsOnly bool
	// MetricsPublic serves /_ossemu/metrics without credentials, for a
	// Prometheus scraper that cannot send the key pair. By default the
	// metrics take the key pair (HTTP Basic or an OSS signature), as MinIO
	// protects its own: they reveal bucket activity and task counts.
	MetricsPublic bool
}

// DefaultMaxObjectSize is OSS's PutObject limit.
const DefaultMaxObjectSize = 5 << 30

// Validate checks the configuration and fills defaults.
func (c *Config) Validate() error {
	if c.Region == "" {
		return errors.New("server: region is empty")
	}
	c.Region = strings.TrimPrefix(c.Region, "oss-")
	c.Domain = strings.ToLower(strings.Trim(c.Domain, "."))
	if c.MaxObjectSize <= 0 {
		c.MaxObjectSize = DefaultMaxObjectSize
	}
	return nil
}

// Deps are the collaborators the server is built on; other subsystems fill
// Tasks (the async task queue).
type Deps struct {
	Storage  storage.Backend
	Verifier *auth.Verifier
	Tasks    TaskService
	// Notifications is the notifier whose delivery state and signing
	// certificate the emulator's endpoints serve; nil when notifications
	// are not wired.
	Notifications Notifications
	// Console, when set, serves everything under /_ossemu/console/ (the web
	// console checks credentials itself: its own cookie, or the task API's
	// through Verifier.Authenticate).
	Console  http.Handler
	Logger   *slog.Logger
	Registry *prometheus.Registry
}

// Server is the OSS HTTP front end.
type Server struct {
	cfg     Config
	deps    Deps
	metrics *Metrics
	handler http.Handler
	now     func() time.Time
}

// New builds a server. Storage and Verifier are required; a nil Logger
// discards logs and a nil Registry gets a private one.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Storage == nil {
		return nil, errors.New("server: no storage backend")
	}
	if deps.Verifier == nil {
		return nil, errors.New("server: no signature verifier")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	m, err := newMetrics(deps.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, deps: deps, metrics: m, now: time.Now}
	s.handler = s.routes()
	if cfg.OpsOnly {
		s.handler = s.opsRoutes()
	}
	return s, nil
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// routes builds the router. Common headers and metrics wrap everything;
// path-style requests for /_ossemu/… reach the emulator's own endpoints
// (emulator.go), all others go through the OSS dispatcher: a
// virtual-hosted "/_ossemu/x" is an object key like any other.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Route(Prefix, s.emulatorRoutes)
	r.HandleFunc("/*", s.serveOSS)
	return s.commonHeaders(s.instrument(s.cors(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if s.hostBucket(req.Host) != "" {
			s.serveOSS(w, req)
			return
		}
		r.ServeHTTP(w, req)
	}))))
}
