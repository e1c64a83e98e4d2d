package notifier

import (
	"encoding/pem"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// checkPushSignature checks a push's signature the way MNS documents
// receivers should (see testutil.VerifyMNSPush).
func checkPushSignature(p pushed) error { return testutil.VerifyMNSPush(p.header, p.path) }

func verifyPush(t *testing.T, p pushed) {
	t.Helper()
	require.NoError(t, checkPushSignature(p), "signature must verify with the served certificate")
}

// certServer serves a notifier's certificate (PEM) once it exists.
func certServer(t *testing.T) (*httptest.Server, *atomic.Pointer[Signer]) {
	var s atomic.Pointer[Signer]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Load().Certificate().Raw}))
	}))
	t.Cleanup(srv.Close)
	return srv, &s
}

func TestMD5Hex(t *testing.T) {
	t.Parallel()
	// The MessageMD5 of "Hello World!" in a real MNS push (upper-case hex).
	require.Equal(t, "ED076287532E86365E841E92BFC50D8C", MD5Hex([]byte("Hello World!")))
}

func TestPushXMLAndSimplified(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := testutil.OpenSQLite(t, dir)
	certSrv, signer := certServer(t)
	srv, got := receiver(t, func(int, pushed) int { return http.StatusNoContent })
	n := newNotifier(t, dir, db, func(c *Config) {
		c.CertURL = certSrv.URL + "/_ossemu/mns/cert.pem"
		c.AccountID = "1692545896541241"
		c.Endpoints = []Endpoint{
			{Topic: "jobs", URL: srv.URL, Format: FormatXML},
			{Topic: "*", URL: srv.URL + "/simple/path", Format: FormatSimplified},
		}
	})
	signer.Store(n.Signer())
	testutil.RunBackground(t, n.Run)
	id := finish(t, n, sampleTask("MediaConvert-1", "jobs"))

	var xmlPush, simple pushed
	for range 2 {
		p := next(t, got)
		if p.path == "/simple/path" {
			simple = p
		} else {
			xmlPush = p
		}
	}

	// XML format: endpoint without a path posts to /notifications.
	require.Equal(t, "/notifications", xmlPush.path)
	require.Equal(t, "text/xml;charset=utf-8", xmlPush.header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(xmlPush.body), `<?xml version="1.0" encoding="UTF-8"?>`))
	require.Contains(t, string(xmlPush.body), `<Notification xmlns="http://mns.aliyuncs.com/doc/v1/">`)
	var note Notification
	require.NoError(t, xml.Unmarshal(xmlPush.body, &note))
	require.Equal(t, id, note.MessageId)
	require.Equal(t, "jobs", note.TopicName)
	require.Equal(t, "1692545896541241", note.TopicOwner)
	require.Equal(t, "1692545896541241", note.Subscriber)
	require.Equal(t, Endpoint{Topic: "jobs", URL: srv.URL, Format: FormatXML}.Name(), note.SubscriptionName)
	require.Equal(t, MD5Hex([]byte(note.Message)), note.MessageMD5)
	require.Regexp(t, `^[0-9A-F]{32}$`, note.MessageMD5)
	require.Greater(t, note.PublishTime, int64(1_600_000_000_000), "PublishTime is in milliseconds")
	_, c := decodeEnvelope(t, []byte(note.Message))
	require.Equal(t, "MediaConvert-1", c.TaskId)
	require.Equal(t, MD5Hex(xmlPush.body), xmlPush.header.Get("Content-MD5"))
	require.Regexp(t, `^[0-9A-F]{24}$`, xmlPush.header.Get("x-mns-request-id"))
	require.Equal(t, id, xmlPush.header.Get("x-mns-message-id"))
	require.NotEmpty(t, xmlPush.header.Get("Date"))
	verifyPush(t, xmlPush)

	// SIMPLIFIED: the raw message is the body; the id is in the headers.
	require.Equal(t, "text/plain;charset=utf-8", simple.header.Get("Content-Type"))
	require.Equal(t, note.Message, string(simple.body))
	require.Equal(t, id, simple.header.Get("x-mns-message-id"))
	verifyPush(t, simple)

	// Anything tampered with must not verify.
	badPath := simple
	badPath.path = "/other"
	require.Error(t, checkPushSignature(badPath))
	badHeader := pushed{header: simple.header.Clone(), path: simple.path}
	badHeader.header.Set("x-mns-topic-name", "other")
	require.Error(t, checkPushSignature(badHeader))
}

func TestNotificationXMLRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []string{
		`{"id":"x","content":"{\"a\":\"b\"}"}`,
		"tags <b> & 'quotes' \"double\"\r\nnew line\ttab",
		"unicode: 视频 ✓",
		"",
	}
	for _, msg := range tests {
		in := Notification{TopicOwner: "1", TopicName: "t", Subscriber: "1", SubscriptionName: "s", MessageId: "ID",
			Message: msg, MessageMD5: MD5Hex([]byte(msg)), MessageTag: "a&b", PublishTime: 1724133063161}
		body := in.XML()
		var out Notification
		require.NoError(t, xml.Unmarshal(body, &out), string(body))
		out.XMLName = xml.Name{}
		require.Equal(t, in, out, "what a receiver parses is what was sent")
		require.NotContains(t, string(body), "&#34;", "quotes stay readable")
	}
}
