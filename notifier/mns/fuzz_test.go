package mns

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
)

// fuzzOps are the MNS calls that take an XML body, on resources that
// exist (the queue q, the topic t) or not (the queue nope).
var fuzzOps = []struct{ method, resource string }{
	{"PUT", "queues/q"},
	{"PUT", "queues/q?metaoverride=true"},
	{"PUT", "queues/fresh"},
	{"POST", "queues/q/messages"},
	{"POST", "queues/nope/messages"},
	{"PUT", "topics/t"},
	{"PUT", "topics/t?metaoverride=true"},
	{"POST", "topics/t/messages"},
	{"PUT", "topics/t/subscriptions/s"},
	{"PUT", "topics/t/subscriptions/s?metaoverride=true"},
}

// FuzzXMLBodies sends arbitrary bodies, correctly signed (Content-MD5
// included), to every MNS call that reads an XML body. The service must
// never panic and never answer 5xx: a body it cannot use is the client's
// error (4xx); a body it accepts must be answered with a well-formed
// response.
//
//	go test ./notifier/mns/ -run '^$' -fuzz FuzzXMLBodies -fuzztime 1m
func FuzzXMLBodies(f *testing.F) {
	for i, body := range []string{
		`<Queue xmlns="http://mns.aliyuncs.com/doc/v1/"><VisibilityTimeout>30</VisibilityTimeout><DelaySeconds>0</DelaySeconds></Queue>`,
		`<Queue><MaximumMessageSize>1024</MaximumMessageSize><LoggingEnabled>true</LoggingEnabled></Queue>`,
		`<Queue><VisibilityTimeout>-1</VisibilityTimeout></Queue>`,
		`<Message><MessageBody>hello</MessageBody><DelaySeconds>0</DelaySeconds><Priority>8</Priority></Message>`,
		`<Messages><Message><MessageBody>a</MessageBody></Message><Message><MessageBody>b</MessageBody><Priority>1</Priority></Message></Messages>`,
		`<Topic><MaximumMessageSize>65536</MaximumMessageSize></Topic>`,
		`<Topic><LoggingEnabled>maybe</LoggingEnabled></Topic>`,
		`<Message><MessageBody>x</MessageBody><MessageTag>tag</MessageTag></Message>`,
		`<Subscription><Endpoint>http://127.0.0.1:1/x</Endpoint><NotifyContentFormat>XML</NotifyContentFormat></Subscription>`,
		`<Subscription><Endpoint>acs:mns:cn-hangzhou:1:queues/q</Endpoint><NotifyStrategy>BACKOFF_RETRY</NotifyStrategy><FilterTag>t</FilterTag></Subscription>`,
		``, `<`, `<Message>`, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Message>&a;</Message>`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	srv := fuzzServer(f)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		o := fuzzOps[int(op)%len(fuzzOps)]
		req := httptest.NewRequest(o.method, "/"+o.resource, bytes.NewReader(body))
		sum := md5.Sum(body)
		req.Header.Set("x-mns-version", "2015-06-06")
		req.Header.Set("Content-Type", "text/xml")
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%x", sum))))
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("Authorization", "MNS "+testAK+":"+Sign(testSK, StringToSign(o.method, req.Header, req.RequestURI)))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s /%s with %q: %d %s", o.method, o.resource, body, rec.Code, rec.Body)
		}
		if rec.Code < 300 && rec.Body.Len() > 0 {
			var any struct{ XMLName xml.Name }
			if err := xml.Unmarshal(rec.Body.Bytes(), &any); err != nil {
				t.Fatalf("%s /%s: %d with a malformed body %q: %v", o.method, o.resource, rec.Code, rec.Body, err)
			}
		}
	})
}

// fuzzServer is the MNS service on a fresh database holding the queue q and
// the topic t.
func fuzzServer(tb testing.TB) http.Handler {
	dir := tb.TempDir()
	db := testutil.OpenSQLite(tb, dir)
	b, err := NewBroker(context.Background(), db)
	require.NoError(tb, err)
	n, err := notifier.New(context.Background(), notifier.Config{DataDir: dir}, notifier.Deps{DB: db, Broker: b})
	require.NoError(tb, err)
	s, err := New(Config{AccessKeyID: testAK, AccessKeySecret: testSK}, b, n, nil)
	require.NoError(tb, err)
	for _, res := range []string{"queues/q", "topics/t"} {
		req := httptest.NewRequest("PUT", "/"+res, nil)
		req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
		req.Header.Set("Authorization", "MNS "+testAK+":"+Sign(testSK, StringToSign("PUT", req.Header, req.RequestURI)))
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		require.Equal(tb, http.StatusCreated, rec.Code, rec.Body.String())
	}
	return s.Handler()
}
