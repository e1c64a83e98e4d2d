package main

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/notifier/mns"
)

// startPorts runs the emulator with the built-in MNS service and returns
// the host:port of the OSS and the MNS listeners.
func startPorts(t *testing.T, args ...string) (ossAddr, mnsAddr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--mns-addr", "127.0.0.1:0", "--log-level", "error",
			"--data-dir", t.TempDir(), "--buckets", "media"}, args...), env(nil), pw)
		pw.Close()
	}()
	lines := bufio.NewReader(pr)
	for ossAddr == "" || mnsAddr == "" {
		line, err := lines.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimSpace(line)
		if u, ok := strings.CutPrefix(line, "ossemu listening on http://"); ok {
			ossAddr = u
		}
		if u, ok := strings.CutPrefix(line, "ossemu MNS listening on http://"); ok {
			mnsAddr = u
		}
	}
	go io.Copy(io.Discard, lines)
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return ossAddr, mnsAddr
}

// closedWithin reports how long the server took to close conn (reading and
// discarding whatever it sends first), failing after limit.
func closedWithin(t *testing.T, conn net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	require.NoError(t, conn.SetReadDeadline(start.Add(limit)))
	_, err := io.Copy(io.Discard, conn)
	took := time.Since(start)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %s", limit)
	}
	return took
}

// TestIdleConnectionsAreClosed: keep-alive connections left idle after one
// request are closed after --idle-timeout, on both ports.
func TestIdleConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	ossAddr, mnsAddr := startPorts(t, "--idle-timeout", "1s")
	var wg sync.WaitGroup
	for i := range 40 {
		addr, path := ossAddr, "/_ossemu/health"
		if i%2 == 1 {
			addr, path = mnsAddr, "/queues"
		}
		wg.Go(func() {
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
			require.NoError(t, err)
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.False(t, resp.Close, "kept alive after the answer")
			start := time.Now()
			require.NoError(t, conn.SetReadDeadline(start.Add(10*time.Second)))
			_, err = br.ReadByte()
			require.ErrorIs(t, err, io.EOF, "closed by the server, not by the test's deadline")
			require.Less(t, time.Since(start), 5*time.Second, "closed about --idle-timeout after the request")
		})
	}
	wg.Wait()
}

// trickle yields one byte every gap, forever (the request announces more
// than it will ever get).
type trickle struct{ gap time.Duration }

func (tr trickle) Read(p []byte) (int, error) {
	time.Sleep(tr.gap)
	p[0] = 'x'
	return 1, nil
}

// TestStalledBodiesAreClosed: a signed request whose body trickles below
// --body-min-rate loses its connection within --body-timeout, on both
// ports, while a slow body above the rate (several windows long) succeeds.
func TestStalledBodiesAreClosed(t *testing.T) {
	t.Parallel()
	ossAddr, mnsAddr := startPorts(t, "--body-timeout", "1s", "--body-min-rate", "100")
	put := func(body io.Reader, size int64) *http.Request {
		req, err := http.NewRequest(http.MethodPut, "http://"+ossAddr+"/media/slow.bin", body)
		require.NoError(t, err)
		req.ContentLength = size
		cred := credentials.Credentials{AccessKeyID: DefaultAccessKeyID, AccessKeySecret: DefaultAccessKeySecret}
		sc := &signer.SigningContext{Request: req, Credentials: &cred, Bucket: oss.Ptr("media"), Key: oss.Ptr("slow.bin"),
			Product: oss.Ptr("oss"), Region: oss.Ptr(DefaultRegion), Time: time.Now()}
		require.NoError(t, (&signer.SignerV1{}).Sign(context.Background(), sc))
		return req
	}
	send := func(body io.Reader, size int64) *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://"+mnsAddr+"/queues/q/messages", body)
		require.NoError(t, err)
		req.ContentLength = size
		req.Header.Set("Content-Type", "text/xml")
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("x-mns-version", "2015-06-06")
		req.Header.Set("Authorization", "MNS "+DefaultAccessKeyID+":"+
			mns.Sign(DefaultAccessKeySecret, mns.StringToSign(http.MethodPost, req.Header, "/queues/q/messages")))
		return req
	}
	for name, req := range map[string]*http.Request{
		"OSS PUT":         put(trickle{200 * time.Millisecond}, 100_000),
		"MNS SendMessage": send(trickle{200 * time.Millisecond}, 1_000),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", req.URL.Host)
			require.NoError(t, err)
			defer conn.Close()
			go req.Write(conn) //nolint:errcheck // fails once the server hangs up
			took := closedWithin(t, conn, 10*time.Second)
			require.Less(t, took, 4*time.Second, "closed about --body-timeout after the stall")
		})
	}
	t.Run("slow but steady", func(t *testing.T) {
		t.Parallel()
		// 3 s at 500 B/s: three windows, each over its 100-byte quota.
		body := io.MultiReader(strings.NewReader(strings.Repeat("y", 50)), &paced{left: 1450, chunk: 50, gap: 100 * time.Millisecond})
		resp, err := http.DefaultClient.Do(put(body, 1500))
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

// paced yields chunk bytes every gap until left runs out.
type paced struct {
	left, chunk int
	gap         time.Duration
}

func (p *paced) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(p.gap)
	n := min(p.chunk, p.left, len(b))
	for i := range n {
		b[i] = 'y'
	}
	p.left -= n
	return n, nil
}

// TestRefusalBeforeTheBody: an anonymous PUT announcing 200 KB, and an
// unsigned MNS SendMessage, get their 403 at once, without the server
// waiting for a body that is never sent, and the connection is closed.
func TestRefusalBeforeTheBody(t *testing.T) {
	t.Parallel()
	ossAddr, mnsAddr := startPorts(t)
	for name, head := range map[string]string{
		"OSS": "PUT /media/anon.bin HTTP/1.1\r\nHost: " + ossAddr + "\r\nContent-Length: 200000\r\n\r\n",
		"MNS": "POST /queues/q/messages HTTP/1.1\r\nHost: " + mnsAddr + "\r\nContent-Length: 200000\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			addr := ossAddr
			if name == "MNS" {
				addr = mnsAddr
			}
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			_, err = io.WriteString(conn, head+"first bytes of a body that never comes")
			require.NoError(t, err)
			start := time.Now()
			require.NoError(t, conn.SetReadDeadline(start.Add(10*time.Second)))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err, "an answer before the body")
			resp.Body.Close()
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			require.Less(t, time.Since(start), 2*time.Second)
			require.True(t, resp.Close, "Connection: close")
		})
	}
}

// throttle is a TCP proxy to target that passes client-to-server bytes at
// rate bytes/s (the upload direction of a slow link) and the answers at
// full speed. It returns its address.
func throttle(t *testing.T, target string, rate int) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go func() { io.Copy(c, s); c.Close() }()
				buf := make([]byte, 16<<10)
				start, sent := time.Now(), 0
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if _, werr := s.Write(buf[:n]); werr != nil {
							return
						}
						sent += n
						if ahead := time.Duration(float64(sent)/float64(rate)*float64(time.Second)) - time.Since(start); ahead > 0 {
							time.Sleep(ahead)
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// pattern is size bytes of a fixed pseudo-random stream, hashed as read.
type pattern struct {
	left  int64
	state uint64
	sum   interface{ Write([]byte) (int, error) }
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.left))
	for i := range n {
		p.state = p.state*6364136223846793005 + 1442695040888963407
		b[i] = byte(p.state >> 56)
	}
	p.sum.Write(b[:n])
	p.left -= int64(n)
	return n, nil
}

// uploadThrottled PUTs size bytes through a 5 MB/s link with the v2 SDK,
// under the default connection limits, and checks what was stored.
func uploadThrottled(t *testing.T, size int64) {
	ossAddr, _ := startPorts(t)
	proxy := throttle(t, ossAddr, 5_000_000)
	client := oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(DefaultAccessKeyID, DefaultAccessKeySecret)).
		WithRegion(DefaultRegion).WithEndpoint("http://" + proxy).WithRetryMaxAttempts(1))
	h := md5.New()
	start := time.Now()
	_, err := client.PutObject(context.Background(), &oss.PutObjectRequest{
		Bucket: oss.Ptr("media"), Key: oss.Ptr("big.bin"), ContentLength: oss.Ptr(size),
		Body: &pattern{left: size, state: 1, sum: h},
	})
	require.NoError(t, err, "the SDK checks the stored CRC-64 too")
	took := time.Since(start)
	t.Logf("%d MB in %s (%.1f MB/s)", size/1_000_000, took.Round(time.Second), float64(size)/1e6/took.Seconds())
	head, err := client.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr("media"), Key: oss.Ptr("big.bin")})
	require.NoError(t, err)
	require.Equal(t, size, head.ContentLength)
	require.Equal(t, `"`+strings.ToUpper(hex.EncodeToString(h.Sum(nil)))+`"`, oss.ToString(head.ETag))
	require.Greater(t, took, time.Duration(float64(size)/5e6*0.9*float64(time.Second)), "the link really was throttled")
}

// TestSlowUpload100MB: a 100 MB upload at 5 MB/s (≈ 20 s) succeeds under
// the default connection limits.
func TestSlowUpload100MB(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes 20 s")
	}
	uploadThrottled(t, 100_000_000)
}

// TestSlowUpload1GB is the same with 1 GB (≈ 200 s); set
// OSSEMU_TEST_SLOW_UPLOAD=1 to run it.
func TestSlowUpload1GB(t *testing.T) {
	t.Parallel()
	if os.Getenv("OSSEMU_TEST_SLOW_UPLOAD") == "" {
		t.Skip("set OSSEMU_TEST_SLOW_UPLOAD=1 to upload 1 GB at 5 MB/s (≈ 200 s)")
	}
	uploadThrottled(t, 1_000_000_000)
}
