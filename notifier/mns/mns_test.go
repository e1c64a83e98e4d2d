package mns

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

func TestQueueLifecycle(t *testing.T) { t.Parallel(); testutil.ForEachStore(t, testQueueLifecycle) }

func testQueueLifecycle(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
	c := e.c
	simple := createQueueReq{MaximumMessageSize: 65536, RetentionPeriod: 345600, VisibilityTimeout: 30}

	status, err := c.do("PUT", "queues/jobs", nil, simple, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)
	status, err = c.do("PUT", "queues/jobs", nil, simple, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, status, "same attributes: already exists, 204")
	other := simple
	other.VisibilityTimeout = 60
	_, err = c.do("PUT", "queues/jobs", nil, other, nil)
	require.Equal(t, "QueueAlreadyExist", errCode(err))
	_, err = c.do("PUT", "queues/jobs?metaoverride=true", nil, other, nil)
	require.NoError(t, err, "SetQueueAttributes")

	var attrs queueAttrs
	_, err = c.do("GET", "queues/jobs", nil, nil, &attrs)
	require.NoError(t, err)
	require.Equal(t, "jobs", attrs.QueueName)
	require.Equal(t, 60, attrs.VisibilityTimeout)

	_, err = c.do("PUT", "queues/jobs2", nil, simple, nil)
	require.NoError(t, err)
	var list queueList
	_, err = c.do("GET", "queues", map[string]string{"x-mns-prefix": "job", "x-mns-ret-number": "1"}, nil, &list)
	require.NoError(t, err)
	require.Len(t, list.Queues, 1)
	require.Equal(t, e.srv.URL+"/queues/jobs", list.Queues[0].QueueURL)
	require.Equal(t, "jobs", list.NextMarker)
	list = queueList{}
	_, err = c.do("GET", "queues", map[string]string{"x-mns-marker": "jobs"}, nil, &list)
	require.NoError(t, err)
	require.Len(t, list.Queues, 1)
	require.Equal(t, e.srv.URL+"/queues/jobs2", list.Queues[0].QueueURL)

	var sent sendResp
	status, err = c.do("POST", "queues/jobs/messages", nil, sendReq{MessageBody: "hello", Priority: 8}, &sent)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, "5D41402ABC4B2A76B9719D911017C592", sent.MessageBodyMD5, "upper-case hex MD5 of the body")

	r := await(t, c.receive("jobs", 1))
	require.NoError(t, r.err)
	require.Equal(t, sent.MessageId, r.msg.MessageId)
	require.Equal(t, "hello", r.msg.MessageBody)
	require.EqualValues(t, 1, r.msg.DequeueCount)
	require.Greater(t, r.msg.NextVisibleTime, r.msg.EnqueueTime)
	_, err = c.do("GET", "queues/jobs", nil, nil, &attrs)
	require.NoError(t, err)
	require.EqualValues(t, 1, attrs.InactiveMessages)

	_, err = c.do("DELETE", "queues/jobs/messages?ReceiptHandle="+r.msg.ReceiptHandle, nil, nil, nil)
	require.NoError(t, err)
	_, err = c.do("DELETE", "queues/jobs/messages?ReceiptHandle="+r.msg.ReceiptHandle, nil, nil, nil)
	require.Equal(t, "MessageNotExist", errCode(err), "a deleted message stays deleted")

	start := time.Now()
	r = await(t, c.receive("jobs", 1))
	require.Equal(t, "MessageNotExist", errCode(r.err), "empty queue")
	require.Equal(t, http.StatusNotFound, r.err.(*mnsError).Status)
	require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "the long poll waited")

	_, err = c.do("GET", "queues/missing/messages", nil, nil, nil)
	require.Equal(t, "QueueNotExist", errCode(err))
	status, err = c.do("DELETE", "queues/jobs", nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, status)
	_, err = c.do("GET", "queues/jobs", nil, nil, nil)
	require.Equal(t, "QueueNotExist", errCode(err))
}

func TestBatchAndVisibility(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testBatchAndVisibility)
}

func testBatchAndVisibility(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
	c := e.c
	_, err := c.do("PUT", "queues/q", nil, createQueueReq{VisibilityTimeout: 1, MaximumMessageSize: 65536, RetentionPeriod: 345600}, nil)
	require.NoError(t, err)
	for i := range 3 {
		_, err := c.do("POST", "queues/q/messages", nil, sendReq{MessageBody: fmt.Sprint("m", i)}, nil)
		require.NoError(t, err)
	}
	var batch batchRecvResp
	_, err = c.do("GET", "queues/q/messages?numOfMessages=16&waitseconds=1", nil, nil, &batch)
	require.NoError(t, err)
	require.Len(t, batch.Messages, 3)
	require.Equal(t, "m0", batch.Messages[0].MessageBody, "same priority: first in, first out")

	// Keep m0 hidden longer; m1 and m2 come back after the 1 s timeout.
	var vis visibilityResp
	_, err = c.do("PUT", "queues/q/messages?ReceiptHandle="+batch.Messages[0].ReceiptHandle+"&VisibilityTimeout=30", nil, nil, &vis)
	require.NoError(t, err)
	require.NotEqual(t, batch.Messages[0].ReceiptHandle, vis.ReceiptHandle)
	require.Greater(t, vis.NextVisibleTime, time.Now().Add(20*time.Second).UnixMilli())

	r := await(t, c.receive("q", 5))
	require.NoError(t, r.err)
	require.Equal(t, batch.Messages[1].MessageId, r.msg.MessageId, "an undeleted message reappears after its visibility timeout")
	require.EqualValues(t, 2, r.msg.DequeueCount)
	require.NotEqual(t, batch.Messages[1].ReceiptHandle, r.msg.ReceiptHandle)
	require.Equal(t, batch.Messages[1].FirstDequeueTime, r.msg.FirstDequeueTime)
	_, err = c.do("DELETE", "queues/q/messages?ReceiptHandle="+batch.Messages[1].ReceiptHandle, nil, nil, nil)
	require.Equal(t, "MessageNotExist", errCode(err), "the old receipt handle is void once the message is received again")
	_, err = c.do("DELETE", "queues/q/messages?ReceiptHandle="+r.msg.ReceiptHandle, nil, nil, nil)
	require.NoError(t, err)
}

func TestStatePersistsAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := testutil.OpenSQLite(t, dir)
	e := start(t, dir, db, nil)
	_, err := e.c.do("PUT", "queues/keep", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	_, err = e.c.do("PUT", "topics/t", nil, createTopicReq{}, nil)
	require.NoError(t, err)
	_, err = e.c.do("PUT", "topics/t/subscriptions/s", nil, subscribeReq{Endpoint: "acs:mns:r:1:queues/keep"}, nil)
	require.NoError(t, err)
	var sent sendResp
	_, err = e.c.do("POST", "queues/keep/messages", nil, sendReq{MessageBody: "survives"}, &sent)
	require.NoError(t, err)
	e.stop()

	e2 := start(t, dir, db, nil)
	r := await(t, e2.c.receive("keep", 1))
	require.NoError(t, r.err)
	require.Equal(t, sent.MessageId, r.msg.MessageId)
	var sub struct{ Endpoint string }
	_, err = e2.c.do("GET", "topics/t/subscriptions/s", nil, nil, &sub)
	require.NoError(t, err)
	require.Equal(t, "acs:mns:r:1:queues/keep", sub.Endpoint)
}

func TestSignatureFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.c.do("PUT", "queues/q", nil, createQueueReq{}, nil)
	require.NoError(t, err)
	tests := []struct {
		name string
		c    client
		code string
	}{
		{"wrong secret", client{base: e.srv.URL, ak: testAK, sk: "nope"}, "SignatureDoesNotMatch"},
		{"unknown key", client{base: e.srv.URL, ak: "other", sk: testSK}, "InvalidAccessKeyId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.c.do("GET", "queues/q", nil, nil, nil)
			require.Equal(t, tc.code, errCode(err))
			require.Equal(t, http.StatusForbidden, err.(*mnsError).Status)
		})
	}

	// A correctly signed request replayed against another resource fails.
	req, _ := http.NewRequest("GET", e.srv.URL+"/queues/q", nil)
	date := time.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	req.Header.Set("x-mns-version", "2015-06-06")
	req.Header.Set("Authorization", "MNS "+testAK+":"+Sign(testSK, "GET\n\n\n"+date+"\nx-mns-version:2015-06-06\n/queues/other"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "<Code>SignatureDoesNotMatch</Code>")
	// Error documents use the namespace without the trailing slash (xml.go).
	require.Contains(t, string(body), `<Error xmlns="http://mns.aliyuncs.com/doc/v1">`)

	// Unsigned and stale requests.
	resp, err = http.Get(e.srv.URL + "/queues/q")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	old := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	req, _ = http.NewRequest("GET", e.srv.URL+"/queues/q", nil)
	req.Header.Set("Date", old)
	req.Header.Set("Authorization", "MNS "+testAK+":"+Sign(testSK, "GET\n\n\n"+old+"\n\n/queues/q"))
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(body), "<Code>TimeExpired</Code>")
}

func TestSignVector(t *testing.T) {
	t.Parallel()
	// HMAC-SHA1 of a string to sign built as the Go SDK builds it.
	h := http.Header{}
	h.Set("Content-MD5", "ZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=")
	h.Set("Content-Type", "application/xml")
	h.Set("Date", "Thu, 31 Oct 2024 09:57:20 GMT")
	h.Set("x-mns-version", "2015-06-06")
	h.Set("x-mns-ret-number", "10")
	got := StringToSign("GET", h, "/queues")
	require.Equal(t, "GET\nZDQxZDhjZDk4ZjAwYjIwNGU5ODAwOTk4ZWNmODQyN2U=\napplication/xml\nThu, 31 Oct 2024 09:57:20 GMT\nx-mns-ret-number:10\nx-mns-version:2015-06-06\n/queues", got)
	require.Len(t, Sign("sk", got), 28, "base64 of a 20-byte HMAC-SHA1")
}
