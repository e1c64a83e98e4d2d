package e2e

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// localhostTransport resolves every *.localhost name to the loopback
// address, as RFC 6761, glibc's nss-myhostname, systemd-resolved and
// browsers do (this machine's resolver does not), and records the Host of
// each request so the test can prove which addressing the SDK chose.
type localhostTransport struct {
	base  *http.Transport
	mu    sync.Mutex
	hosts map[string]bool
}

func newLocalhostTransport() *localhostTransport {
	d := &net.Dialer{}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err == nil && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return d.DialContext(ctx, network, addr)
	}
	return &localhostTransport{base: base, hosts: map[string]bool{}}
}

func (lt *localhostTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	lt.mu.Lock()
	lt.hosts[r.URL.Host] = true
	lt.mu.Unlock()
	return lt.base.RoundTrip(r)
}

func (lt *localhostTransport) seen() []string {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	var out []string
	for h := range lt.hosts {
		out = append(out, h)
	}
	return out
}

// TestVirtualHostedLocalhost points both SDKs at http://localhost:<port>
// with their defaults (no path-style option), as users copy the real
// service's examples: the requests go to <bucket>.localhost:<port>, and
// uploading, AsyncProcessObject and downloading the result all work.
func TestVirtualHostedLocalhost(t *testing.T) {
	t.Parallel()
	e := startEmulator(t, "vhost")
	endpoint := "http://localhost:" + e.Port
	a, b := makeClip(t, "a.mp4", 2, "320x240"), makeClip(t, "b.mp4", 1, "320x240")
	want := ffprobe(t, a).duration(t) + ffprobe(t, b).duration(t)

	t.Run("v1", func(t *testing.T) {
		t.Parallel()
		lt := newLocalhostTransport()
		c, err := ossv1.New(endpoint, testAK, testSK, ossv1.AuthVersion(ossv1.AuthV4), ossv1.Region(testRegion),
			ossv1.HTTPClient(&http.Client{Transport: lt}))
		require.NoError(t, err)
		bk, err := c.Bucket("vhost")
		require.NoError(t, err)
		require.NoError(t, bk.PutObjectFromFile("v1/a.mp4", a))
		require.NoError(t, bk.PutObjectFromFile("v1/b.mp4", b))
		process := "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("v1/b.mp4") +
			"|sys/saveas,o_" + enc("v1/out.{autoext}") + "/notify,topic_" + enc("vhost-topic")
		rs, err := bk.AsyncProcessObject("v1/a.mp4", process)
		require.NoError(t, err)
		requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)
		v := e.requireSucceeded(t, rs.TaskId)
		require.Equal(t, []string{"oss://vhost/v1/out.mp4"}, targetURIs(v))
		out := filepath.Join(t.TempDir(), "out.mp4")
		require.NoError(t, bk.GetObjectToFile("v1/out.mp4", out))
		require.InDelta(t, want, ffprobe(t, out).duration(t), 0.1)
		require.Equal(t, []string{"vhost.localhost:" + e.Port}, lt.seen(), "virtual-hosted requests only")
	})

	t.Run("v2", func(t *testing.T) {
		t.Parallel()
		lt := newLocalhostTransport()
		c := oss.NewClient(oss.LoadDefaultConfig().
			WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testAK, testSK)).
			WithRegion(testRegion).WithEndpoint(endpoint).WithRetryMaxAttempts(1).
			WithHttpClient(&http.Client{Transport: lt}))
		ctx := context.Background()
		for key, path := range map[string]string{"v2/a.mp4": a, "v2/b.mp4": b} {
			_, err := c.PutObjectFromFile(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("vhost"), Key: oss.Ptr(key)}, path)
			require.NoError(t, err)
		}
		process := "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_" + enc("v2/b.mp4") +
			"|sys/saveas,o_" + enc("v2/out.{autoext}")
		rs, err := c.AsyncProcessObject(ctx, &oss.AsyncProcessObjectRequest{
			Bucket: oss.Ptr("vhost"), Key: oss.Ptr("v2/a.mp4"), AsyncProcess: oss.Ptr(process),
		})
		require.NoError(t, err)
		requireIDs(t, rs.EventId, rs.RequestId, rs.TaskId)
		v := e.requireSucceeded(t, rs.TaskId)
		require.Equal(t, []string{"oss://vhost/v2/out.mp4"}, targetURIs(v))
		out := filepath.Join(t.TempDir(), "out.mp4")
		_, err = c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("vhost"), Key: oss.Ptr("v2/out.mp4")}, out)
		require.NoError(t, err)
		require.InDelta(t, want, ffprobe(t, out).duration(t), 0.1)
		require.Equal(t, []string{"vhost.localhost:" + e.Port}, lt.seen(), "virtual-hosted requests only")
	})
}
