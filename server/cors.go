package server

import (
	"net/http"
	"strings"
)

// exposedHeaders are the response headers browser SDKs (ali-oss) read.
var exposedHeaders = strings.Join([]string{
	"ETag", "x-oss-request-id", "x-oss-hash-crc64ecma", "x-oss-next-append-position",
	"x-oss-object-type", "x-oss-ec", "x-oss-err", "Content-Length", "Content-Range", "Last-Modified", "Date",
}, ", ")

// cors answers browser preflights and marks responses readable from any
// origin. Real OSS requires a bucket CORS rule for this; a local emulator
// used from a dev server on another port is only useful with it on, and
// requests still need a valid signature.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			setOp(w, "Preflight")
			h.Set("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusOK)
			return
		}
		next.ServeHTTP(w, r)
	})
}
