package server

import (
	"net"
	"net/http"
	"strings"

	"github.com/ossemu/ossemu/storage"
)

// hostBucket returns the bucket a virtual-hosted Host names, or "" for a
// path-style request. Virtual-hosted means "<bucket>.<rest>" where rest is
// localhost (the v1 SDK sends "Host: <bucket>.localhost" for a localhost
// endpoint unless forced to path style), the configured domain, or an
// aliyuncs.com name ("<bucket>.oss-<region>.aliyuncs.com", and ali-oss's
// "<bucket>.<region>.aliyuncs.com", which it sends even to an IP endpoint).
// IPs (the Go SDKs switch to path style for them), bare names like "ossemu"
// (a container name) and unknown domains are path style, so pointing an SDK
// at any address that reaches ossemu works.
func (s *Server) hostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return ""
	}
	label, rest, ok := strings.Cut(host, ".")
	if !ok {
		return ""
	}
	switch {
	case rest == "localhost", s.cfg.Domain != "" && rest == s.cfg.Domain:
		return label
	case strings.HasSuffix(rest, "aliyuncs.com") && strings.Count(rest, ".") >= 2:
		// "<bucket>.oss-cn-hangzhou.aliyuncs.com" but not
		// "oss-cn-hangzhou.aliyuncs.com" itself.
		return label
	}
	return ""
}

// target is what a request addresses: the service (no bucket), a bucket
// (no key) or an object.
type target struct {
	Bucket string
	Key    string
}

// resolve extracts bucket and key from Host and the decoded path. Go's
// server has already percent-decoded r.URL.Path, so a key sent with %2F for
// its slashes (the v1 SDK does that) arrives whole.
func (s *Server) resolve(r *http.Request) (target, error) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	var t target
	if b := s.hostBucket(r.Host); b != "" {
		t = target{Bucket: b, Key: path}
	} else {
		t.Bucket, t.Key, _ = strings.Cut(path, "/")
	}
	if t.Bucket != "" {
		if err := storage.ValidateBucketName(t.Bucket); err != nil {
			return t, err
		}
	}
	return t, nil
}
