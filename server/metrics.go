package server

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the HTTP front end's Prometheus metrics. They live on the
// server's own registry so tests can build many servers side by side.
type Metrics struct {
	Requests *prometheus.CounterVec   // by method, operation and status
	Latency  *prometheus.HistogramVec // by method and operation
}

func newMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossemu_http_requests_total", Help: "HTTP requests by method, operation and status code.",
		}, []string{"method", "op", "code"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ossemu_http_request_duration_seconds", Help: "Time to answer HTTP requests, body transfer included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}, []string{"method", "op"}),
	}
	for _, c := range []prometheus.Collector{m.Requests, m.Latency} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// statusWriter records the status code. It forwards ReadFrom so io.Copy
// from a file can still use sendfile, and Unwrap for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
	op     string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return io.Copy(w.ResponseWriter, r)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setOp names the operation for metrics (handlers call it once dispatched).
func setOp(w http.ResponseWriter, op string) {
	for {
		switch x := w.(type) {
		case *statusWriter:
			x.op = op
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, op: "other"}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.Requests.WithLabelValues(r.Method, sw.op, strconv.Itoa(sw.status)).Inc()
		s.metrics.Latency.WithLabelValues(r.Method, sw.op).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	setOp(w, "Metrics")
	promhttp.HandlerFor(s.deps.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}
