package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server"
)

// fuzzHosts are the Host headers a request may carry: path style (an IP),
// virtual-hosted on localhost and on an aliyuncs.com name.
var fuzzHosts = []string{"127.0.0.1:9000", "fuzz.localhost:9000", "fuzz.oss-cn-hangzhou.aliyuncs.com", "other.localhost"}

// FuzzRouter sends arbitrary requests (method, path, query, headers, body,
// host; signed with the emulator's key pair or not) through the whole OSS
// handler: routing, addressing, authentication and every operation, on real
// local storage and a real task queue. Each request is first parsed by
// net/http's own request reader, as the server does, so only requests the
// server could receive are tried. It must never panic and never answer 5xx,
// except the deliberate 501 NotImplemented and 503 (health with failed
// storage).
//
//	go test ./server/ -run '^$' -fuzz FuzzRouter -fuzztime 1m
func FuzzRouter(f *testing.F) {
	seeds := []struct {
		method, path, query, headers, body string
	}{
		{"GET", "/", "", "", ""},
		{"PUT", "/fuzz/a.txt", "", "Content-Type: text/plain\nx-oss-meta-k: v", "hello"},
		{"GET", "/fuzz/a.txt", "", "Range: bytes=1-3", ""},
		{"HEAD", "/fuzz/a.txt", "", "If-None-Match: \"x\"", ""},
		{"GET", "/fuzz", "list-type=2&prefix=a&delimiter=/&max-keys=2&encoding-type=url", "", ""},
		{"GET", "/fuzz", "marker=a&max-keys=0", "", ""},
		{"POST", "/fuzz/big.bin", "uploads", "", ""},
		{"PUT", "/fuzz/big.bin", "partNumber=1&uploadId=nope", "", "part"},
		{"POST", "/fuzz/big.bin", "uploadId=nope", "", "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>"},
		{"POST", "/fuzz", "delete", "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==", "<Delete><Object><Key>a.txt</Key></Object></Delete>"},
		{"POST", "/fuzz/a.txt", "append&position=0", "", "more"},
		{"PUT", "/fuzz/c.txt", "", "x-oss-copy-source: /fuzz/a.txt", ""},
		{"POST", "/fuzz/a.txt", "x-oss-async-process", "", "x-oss-async-process=video/sprite,f_jpg|sys/saveas,o_b3V0LmpwZw"},
		{"GET", "/fuzz/a.txt", "x-oss-process=video/snapshot", "", ""},
		{"PUT", "/fuzz/a.txt", "acl", "x-oss-object-acl: private", ""},
		{"GET", "/fuzz", "location", "", ""},
		{"GET", "/fuzz", "bucketInfo", "", ""},
		{"PUT", "/newbucket", "", "", ""},
		{"DELETE", "/fuzz/a.txt", "", "", ""},
		{"OPTIONS", "/fuzz/a.txt", "", "Origin: http://x\nAccess-Control-Request-Method: PUT", ""},
		{"GET", "/_ossemu/health", "", "", ""},
		{"GET", "/_ossemu/metrics", "", "Authorization: Basic dGVzdC1hazp0ZXN0LXNlY3JldA==", ""},
		{"GET", "/_ossemu/tasks", "limit=1&status=Failed", "Authorization: Basic dGVzdC1hazp0ZXN0LXNlY3JldA==", ""},
		{"GET", "/_ossemu/notify/tasks/x", "", "", ""},
		{"GET", "/fuzz/%2F..%2Fx", "", "", ""},
		{"PATCH", "/fuzz/a.txt", "tagging", "", ""},
	}
	for i, s := range seeds {
		f.Add(s.method, s.path, s.query, s.headers, []byte(s.body), uint8(i), i%3 != 0)
	}
	h := fuzzHandler(f)
	creds := credentials.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}
	f.Fuzz(func(t *testing.T, method, path, query, headers string, body []byte, host uint8, sign bool) {
		target := path
		if query != "" {
			target += "?" + query
		}
		var raw strings.Builder
		fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, fuzzHosts[int(host)%len(fuzzHosts)])
		for _, line := range strings.Split(headers, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				fmt.Fprintf(&raw, "%s: %s\r\n", strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n%s", len(body), body)
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			return // the server would have refused it before any handler
		}
		req.RemoteAddr = "127.0.0.1:1234"
		if sign {
			signRequest(req, &creds)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%q: %d %s", raw.String(), rec.Code, rec.Body)
		}
	})
}

// signRequest signs req with the v2 SDK's V1 signer for the bucket and key
// the server will resolve (best effort: a wrong guess is a 403).
func signRequest(req *http.Request, creds *credentials.Credentials) {
	path := strings.TrimPrefix(req.URL.Path, "/")
	var bucket, key string
	if label, rest, ok := strings.Cut(strings.Split(req.Host, ":")[0], "."); ok && rest != "" && rest != "0.0.1" {
		bucket, key = label, path
	} else {
		bucket, key, _ = strings.Cut(path, "/")
	}
	sc := &signer.SigningContext{Request: req, Credentials: creds, Product: v2.Ptr("oss"), Region: v2.Ptr(testRegion), Time: time.Now()}
	if bucket != "" {
		sc.Bucket = v2.Ptr(bucket)
		if key != "" {
			sc.Key = v2.Ptr(key)
		}
	}
	_ = (&signer.SignerV1{}).Sign(context.Background(), sc)
}

// fuzzHandler is a whole OSS front end on fresh local storage (bucket
// fuzz) with a task queue that no worker drains.
func fuzzHandler(tb testing.TB) http.Handler {
	dir := tb.TempDir()
	store := openStore(tb, filepath.Join(dir, "objects"), "fuzz", "other")
	q, err := queue.Open(context.Background(), filepath.Join(dir, "tasks.db"))
	require.NoError(tb, err)
	tb.Cleanup(func() { q.Close() })
	srv, err := server.New(server.Config{Region: testRegion}, server.Deps{Storage: store, Verifier: testVerifier(), Tasks: q})
	require.NoError(tb, err)
	return srv.Handler()
}
