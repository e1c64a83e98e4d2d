package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/osserr"
)

// opsRoutes is the whole HTTP surface of a worker node (Config.OpsOnly):
// health, for orchestrators' probes, and metrics, for Prometheus. Every
// other request is refused with an OSS error that names the node's role,
// since a client pointed at a worker is misconfigured.
func (s *Server) opsRoutes() http.Handler {
	r := chi.NewRouter()
	r.Route(Prefix, func(r chi.Router) {
		r.With(s.guard(public)).Get("/health", s.health)
		r.With(s.guard(s.metricsAccess())).Get("/metrics", s.serveMetrics)
	})
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, errWorkerNode(req))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, errWorkerNode(req))
	})
	return s.commonHeaders(s.instrument(r))
}

func errWorkerNode(r *http.Request) error {
	what := "the OSS API"
	if strings.HasPrefix(r.URL.Path, Prefix+"/") {
		what = r.URL.Path
	}
	return osserr.New(osserr.NotImplemented, "this ossemu node is a worker (--role worker): it runs tasks and serves only %s/health and %s/metrics, not %s; send requests to an api node",
		Prefix, Prefix, what)
}
