package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/notifier/mns"
	"github.com/ossemu/ossemu/server"
)

func TestNotifyEndpointFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig([]string{"--notify-endpoint", "a=http://h/1", "--notify-endpoint", "*=http://h/2#SIMPLIFIED", "--mns-addr", "127.0.0.1:0"},
		env(map[string]string{"OSSEMU_NOTIFY_ENDPOINTS": "b=http://h/3#json, c=http://h/4"}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, []notifier.Endpoint{
		{Topic: "b", URL: "http://h/3", Format: notifier.FormatJSON},
		{Topic: "c", URL: "http://h/4", Format: notifier.FormatXML},
		{Topic: "a", URL: "http://h/1", Format: notifier.FormatXML},
		{Topic: "*", URL: "http://h/2", Format: notifier.FormatSimplified},
	}, cfg.Notify.Endpoints, "the variable and the flag add up")
	require.Equal(t, "127.0.0.1:0", cfg.Notify.MNSAddr)
	_, err = parseConfig([]string{"--notify-endpoint", "a=ftp://h"}, env(nil), io.Discard)
	require.ErrorContains(t, err, "not an http(s) URL")
	_, err = parseConfig(nil, env(map[string]string{"OSSEMU_NOTIFY_ENDPOINTS": "nope"}), io.Discard)
	require.ErrorContains(t, err, "OSSEMU_NOTIFY_ENDPOINTS")
}

// TestRunNotifies starts the real emulator with a notify endpoint and the
// MNS listener: a failing task's notification is pushed, signed with the
// certificate served on the OSS port, and its topic exists on the MNS port.
func TestRunNotifies(t *testing.T) {
	t.Parallel()
	pushes := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		pushes <- r
		bodies <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--buckets", "media", "--log-level", "error",
			"--notify-endpoint", "done=" + recv.URL + "/hook", "--mns-addr", "127.0.0.1:0"}, env(nil), pw)
		pw.Close()
	}()
	lines := bufio.NewReader(pr)
	var mnsURL string
	first, err := lines.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(first, "ossemu listening on "), "the OSS line stays first: %q", first)
	endpoint := strings.TrimSpace(strings.TrimPrefix(first, "ossemu listening on "))
	for mnsURL == "" {
		line, err := lines.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimSpace(line)
		mnsURL, _ = strings.CutPrefix(line, "ossemu MNS listening on ")
	}
	go io.Copy(io.Discard, lines)
	require.NotEmpty(t, mnsURL)

	client, err := oss.New(endpoint, DefaultAccessKeyID, DefaultAccessKeySecret)
	require.NoError(t, err)
	b, err := client.Bucket("media")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("bad.mp4", strings.NewReader(strings.Repeat("not a video ", 50))))
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	res, err := b.AsyncProcessObject("bad.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+b64("out.mp4")+"/notify,topic_"+b64("done"))
	require.NoError(t, err)

	var r *http.Request
	select {
	case r = <-pushes:
	case <-time.After(time.Minute):
		t.Fatal("no notification")
	}
	body := <-bodies
	require.Equal(t, "/hook", r.URL.Path)
	var note notifier.Notification
	require.NoError(t, xml.Unmarshal(body, &note))
	require.Equal(t, notifier.MD5Hex([]byte(note.Message)), note.MessageMD5)
	var e struct{ Content string }
	require.NoError(t, json.Unmarshal([]byte(note.Message), &e))
	var c struct{ TaskId, Status, Code string }
	require.NoError(t, json.Unmarshal([]byte(e.Content), &c))
	require.Equal(t, res.TaskId, c.TaskId)
	require.Equal(t, "Failed", c.Status)
	require.Equal(t, "InvalidMedia", c.Code)

	certURL, err := base64.StdEncoding.DecodeString(r.Header.Get("x-mns-signing-cert-url"))
	require.NoError(t, err)
	require.Equal(t, endpoint+server.CertPath, string(certURL))
	resp, err := http.Get(string(certURL))
	require.NoError(t, err)
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	block, _ := pem.Decode(pemBytes)
	require.NotNil(t, block)
	require.Equal(t, "CERTIFICATE", block.Type)

	// Its delivery state, on the OSS port behind Basic auth.
	require.Eventually(t, func() bool {
		resp, body := testutil.GetBasicAuth(t.Context(), t, endpoint+server.NotifyPrefix+"/tasks/"+res.TaskId, DefaultAccessKeyID, DefaultAccessKeySecret)
		var st notifier.MessageStatus
		return resp.StatusCode == http.StatusOK && json.Unmarshal(body, &st) == nil && st.State == notifier.StateDelivered
	}, 10*time.Second, 10*time.Millisecond)
	resp, _ = testutil.GetBasicAuth(t.Context(), t, endpoint+server.NotifyPrefix+"/tasks/"+res.TaskId, "", "")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no credentials")

	// The topic named by the task exists on the MNS port.
	req, _ := http.NewRequest("GET", mnsURL+"/topics/done", nil)
	date := time.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	req.Header.Set("x-mns-version", "2015-06-06")
	req.Header.Set("Authorization", "MNS "+DefaultAccessKeyID+":"+mns.Sign(DefaultAccessKeySecret, "GET\n\n\n"+date+"\nx-mns-version:2015-06-06\n/topics/done"))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	topic, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(topic))
	require.Contains(t, string(topic), "<MessageCount>1</MessageCount>")

	cancel()
	require.NoError(t, <-done)
}

// startEmulator runs the emulator until the returned stop is called and
// returns its OSS endpoint.
func startEmulator(t *testing.T, args ...string) (endpoint string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, args...), env(nil), pw)
		pw.Close()
	}()
	lines := bufio.NewReader(pr)
	for endpoint == "" {
		line, err := lines.ReadString('\n')
		require.NoError(t, err)
		endpoint, _ = strings.CutPrefix(strings.TrimSpace(line), "ossemu listening on ")
	}
	go io.Copy(io.Discard, lines)
	return endpoint, func() {
		cancel()
		require.NoError(t, <-done)
	}
}

// TestNotificationSurvivesRestart: the receiver is down when the task ends
// and while the emulator restarts; the message is delivered afterwards.
func TestNotificationSurvivesRestart(t *testing.T) {
	t.Parallel()
	var up atomic.Bool
	refused, delivered := make(chan struct{}, 100), make(chan string, 100)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			refused <- struct{}{}
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		delivered <- r.Header.Get("x-mns-message-id")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	dir := t.TempDir()
	args := []string{"--data-dir", dir, "--buckets", "media", "--notify-endpoint", "*=" + recv.URL}

	endpoint, stop := startEmulator(t, args...)
	client, err := oss.New(endpoint, DefaultAccessKeyID, DefaultAccessKeySecret)
	require.NoError(t, err)
	b, err := client.Bucket("media")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("bad.mp4", strings.NewReader("garbage")))
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	_, err = b.AsyncProcessObject("bad.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac|sys/saveas,o_"+b64("o.mp4")+"/notify,topic_"+b64("t"))
	require.NoError(t, err)
	select {
	case <-refused:
	case <-time.After(time.Minute):
		t.Fatal("the notification was never attempted")
	}
	stop()

	up.Store(true)
	_, stop = startEmulator(t, args...)
	defer stop()
	select {
	case id := <-delivered:
		require.Regexp(t, `^[0-9A-F]{32}$`, id)
	case <-time.After(time.Minute):
		t.Fatal("the notification was not delivered after the restart")
	}
}

// TestRunVirtualHostedEmulatorKeys: with the emulator assembled as main
// runs it, keys that spell the emulator's own paths are ordinary objects in
// virtual-hosted requests (the v1 SDK sends "Host: media.localhost:port"
// for a localhost endpoint), while path style the paths stay the
// emulator's.
func TestRunVirtualHostedEmulatorKeys(t *testing.T) {
	t.Parallel()
	endpoint, stop := startEmulator(t, "--data-dir", t.TempDir(), "--buckets", "media")
	defer stop()
	addr := strings.TrimPrefix(endpoint, "http://")
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) { // media.localhost resolves nowhere
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	vhost := strings.Replace(endpoint, "127.0.0.1", "localhost", 1)
	client, err := oss.New(vhost, DefaultAccessKeyID, DefaultAccessKeySecret, oss.HTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	b, err := client.Bucket("media")
	require.NoError(t, err)
	for _, key := range []string{"_ossemu/notify/x", "_ossemu/notify/tasks/MediaConvert-1", "_ossemu/mns/cert.pem", "_ossemu/health"} {
		require.NoError(t, b.PutObject(key, strings.NewReader("object "+key)), key)
		r, err := b.GetObject(key)
		require.NoError(t, err, key)
		data, _ := io.ReadAll(r)
		r.Close()
		require.Equal(t, "object "+key, string(data), key)
	}

	resp, err := http.Get(endpoint + server.CertPath)
	require.NoError(t, err)
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	block, _ := pem.Decode(pemBytes)
	require.NotNil(t, block, "path style, the certificate: %s", pemBytes)
	resp, _ = testutil.GetBasicAuth(t.Context(), t, endpoint+server.NotifyPrefix+"/x", "", "")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
