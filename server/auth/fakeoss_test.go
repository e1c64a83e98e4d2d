package auth

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
)

// fakeOSS is the smallest OSS front end the official SDKs accept: it runs
// Verify on every request, answers failures with OSS error XML, and answers
// successes with just enough of a response for the SDK call to return. It
// lets the round-trip tests drive the SDKs' own signers over real HTTP.
type fakeOSS struct {
	*httptest.Server
	v *Verifier

	mu       sync.Mutex
	verified []string // "METHOD path?query" of every request that verified
	leaks    []string // requests whose body Verify touched
}

const (
	testID     = "LTAI-ossemu-test"
	testSecret = "ossemu-test-secret"
)

func newFakeOSS(t *testing.T) *fakeOSS {
	t.Helper()
	f := &fakeOSS{v: New(Config{Credentials: Credentials{testID, testSecret}, Region: "cn-hangzhou"})}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// countingBody records whether anything read the body.
type countingBody struct {
	io.ReadCloser
	n int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n += n
	return n, err
}

// resourceOf resolves bucket and key the way the router does: an IP or
// localhost host means path style, otherwise the first label of Host is the
// bucket.
func resourceOf(r *http.Request) Resource {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if net.ParseIP(host) != nil || host == "localhost" {
		bucket, key, _ := strings.Cut(path, "/")
		return Resource{bucket, key}
	}
	bucket, _, _ := strings.Cut(host, ".")
	return Resource{bucket, path}
}

func (f *fakeOSS) serve(w http.ResponseWriter, r *http.Request) {
	body := &countingBody{ReadCloser: r.Body}
	r.Body = body
	res := resourceOf(r)
	err := f.v.Verify(r, res)
	f.mu.Lock()
	if body.n != 0 {
		f.leaks = append(f.leaks, r.Method+" "+r.URL.String())
	}
	if err == nil {
		f.verified = append(f.verified, r.Method+" "+r.URL.String())
	}
	f.mu.Unlock()
	_, _ = io.Copy(io.Discard, r.Body)
	if err != nil {
		writeErr(w, err)
		return
	}
	w.Header().Set("x-oss-request-id", "5C3D9175B6FC201293AD4890")
	q := r.URL.Query()
	switch {
	case q.Has("x-oss-async-process"):
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"EventId":"10C-1","RequestId":"B8AD6942","TaskId":"MediaConvert-1"}`)
	case r.Method == http.MethodPost && q.Has("uploads"):
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>%s</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>`, res.Bucket)
	case r.Method == http.MethodGet && res.Key == "":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>%s</Name><KeyCount>0</KeyCount><MaxKeys>100</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`, res.Bucket)
	case r.Method == http.MethodGet:
		fmt.Fprint(w, "hello")
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("ETag", `"5D41402ABC4B2A76B9719D911017C592"`)
	}
}

// writeErr is a minimal stand-in for the server's OSS error writer.
func writeErr(w http.ResponseWriter, err error) {
	e, ok := osserr.As(err)
	if !ok {
		e = osserr.New(osserr.InternalError, "%v", err)
	}
	var extra strings.Builder
	for _, fl := range e.Extra {
		fmt.Fprintf(&extra, "<%s>%s</%s>", fl.Name, escXML(fl.Value), fl.Name)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-oss-request-id", "5C3D9175B6FC201293AD4890")
	w.Header().Set("x-oss-ec", e.Code.EC)
	w.WriteHeader(e.Code.Status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>5C3D9175B6FC201293AD4890</RequestId><HostId>localhost</HostId><EC>%s</EC>%s</Error>`,
		e.Code.Name, escXML(e.Message), e.Code.EC, extra.String())
}

func escXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// snapshot returns the requests verified so far and asserts none of them
// had its body read by Verify.
func (f *fakeOSS) snapshot(t *testing.T) []string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.Empty(t, f.leaks, "Verify read a request body")
	return append([]string(nil), f.verified...)
}

// hostClient sends every connection to the fake server whatever the URL's
// host, so SDKs can use virtual-hosted names like bucket.localhost.
func (f *fakeOSS) hostClient() *http.Client {
	addr := f.Listener.Addr().String()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	return &http.Client{Transport: tr}
}

func (f *fakeOSS) port() string {
	_, p, _ := net.SplitHostPort(f.Listener.Addr().String())
	return p
}
