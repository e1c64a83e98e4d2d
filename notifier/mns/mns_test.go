package mns

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/notifier"
)

func TestQueueLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
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
	e := newEnv(t)
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

func TestTopicToQueueLongPoll(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.c
	_, err := c.do("PUT", "queues/inbox", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "queues/raw", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "queues/js", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	status, err := c.do("PUT", "topics/events", nil, createTopicReq{MaximumMessageSize: 65536}, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)
	// SDKs derive the account from the endpoint host, here "127".
	_, err = c.do("PUT", "topics/events/subscriptions/to-inbox", nil,
		subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/inbox", NotifyStrategy: "BACKOFF_RETRY"}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/events/subscriptions/to-raw", nil,
		subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/raw", NotifyContentFormat: "SIMPLIFIED"}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/events/subscriptions/to-js", nil,
		subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/js", NotifyContentFormat: "JSON"}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/events/subscriptions/filtered", nil,
		subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/raw", FilterTag: "other-tag"}, nil)
	require.NoError(t, err)
	var subs subscriptionList
	_, err = c.do("GET", "topics/events/subscriptions", nil, nil, &subs)
	require.NoError(t, err)
	require.Len(t, subs.Subscriptions, 4)

	inbox, raw, js := c.receive("inbox", 20), c.receive("raw", 20), c.receive("js", 20)
	var pub sendResp
	status, err = c.do("POST", "topics/events/messages", nil, publishReq{MessageBody: `{"k":"v"}`, MessageTag: "important"}, &pub)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)

	r := await(t, raw)
	require.NoError(t, r.err)
	require.Equal(t, `{"k":"v"}`, r.msg.MessageBody, "SIMPLIFIED: the message itself")

	r = await(t, js)
	require.NoError(t, r.err)
	var jsNote struct{ MessageId, Message, MessageMD5, TopicName string }
	require.NoError(t, json.Unmarshal([]byte(r.msg.MessageBody), &jsNote), "JSON: the notification as a JSON object")
	require.Equal(t, pub.MessageId, jsNote.MessageId)
	require.Equal(t, "events", jsNote.TopicName)

	r = await(t, inbox)
	require.NoError(t, r.err)
	var note notifier.Notification
	require.NoError(t, xml.Unmarshal([]byte(r.msg.MessageBody), &note), "XML: a Notification document")
	require.Equal(t, pub.MessageId, note.MessageId)
	require.Equal(t, `{"k":"v"}`, note.Message)
	require.Equal(t, "important", note.MessageTag)
	require.Equal(t, "to-inbox", note.SubscriptionName)
	require.Equal(t, notifier.MD5Hex([]byte(note.Message)), note.MessageMD5)
	_, err = c.do("DELETE", "queues/inbox/messages?ReceiptHandle="+r.msg.ReceiptHandle, nil, nil, nil)
	require.NoError(t, err)

	// The FilterTag subscription did not match the tag: three deliveries.
	st, err := e.n.MessageStatus(context.Background(), pub.MessageId)
	require.NoError(t, err)
	require.Len(t, st.Deliveries, 3)
	for _, d := range st.Deliveries {
		require.NotEqual(t, "filtered", d.Subscription)
	}

	_, err = c.do("POST", "topics/nope/messages", nil, publishReq{MessageBody: "x"}, nil)
	require.Equal(t, "TopicNotExist", errCode(err))
	status, err = c.do("DELETE", "topics/events/subscriptions/to-raw", nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, status)
	_, err = c.do("GET", "topics/events/subscriptions/to-raw", nil, nil, nil)
	require.Equal(t, "SubscriptionNotExist", errCode(err))
}

// TestTaskNotificationToSubscribers: a task names a topic nobody created;
// it is created on first use, and a queue and an HTTP endpoint subscribed
// through the MNS API both get the notification.
func TestTaskNotificationToSubscribers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.c
	hits := make(chan []byte, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits <- b
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)

	// The first task creates the topic; nobody hears it, yet it is recorded.
	first := finishTask(t, e.n, "MediaConvert-first", "video-done")
	require.Eventually(t, func() bool {
		st, err := e.n.MessageStatus(context.Background(), first)
		return err == nil && st != nil && st.State == notifier.StateNoSubscribers
	}, 10*time.Second, 5*time.Millisecond)
	var topic struct {
		TopicName    string
		MessageCount int64
	}
	_, err := c.do("GET", "topics/video-done", nil, nil, &topic)
	require.NoError(t, err, "topics named by tasks exist")
	require.EqualValues(t, 1, topic.MessageCount)

	_, err = c.do("PUT", "queues/tasks", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	// Subscribing creates a missing topic (lenient: MNS would refuse).
	_, err = c.do("PUT", "topics/later/subscriptions/early", nil, subscribeReq{Endpoint: "acs:mns:cn-hangzhou:1:queues/tasks"}, nil)
	require.NoError(t, err)
	_, err = c.do("GET", "topics/later", nil, nil, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/video-done/subscriptions/q", nil, subscribeReq{Endpoint: "acs:mns:cn-hangzhou:1:queues/tasks", NotifyContentFormat: "SIMPLIFIED"}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/video-done/subscriptions/web", nil, subscribeReq{Endpoint: hook.URL + "/hook"}, nil)
	require.NoError(t, err)

	recv := c.receive("tasks", 20)
	second := finishTask(t, e.n, "MediaConvert-second", "video-done")
	r := await(t, recv)
	require.NoError(t, r.err)
	var env struct{ Source, Content string }
	require.NoError(t, json.Unmarshal([]byte(r.msg.MessageBody), &env))
	require.Equal(t, "acs.imm", env.Source)
	require.Contains(t, env.Content, `"TaskId":"MediaConvert-second"`)

	select {
	case b := <-hits:
		var note notifier.Notification
		require.NoError(t, xml.Unmarshal(b, &note))
		require.Equal(t, second, note.MessageId)
		require.Equal(t, "web", note.SubscriptionName)
	case <-time.After(20 * time.Second):
		t.Fatal("the HTTP subscription was never pushed")
	}
}

func finishTask(t *testing.T, n *notifier.Notifier, id, topic string) string {
	t.Helper()
	ctx := context.Background()
	tx, err := n.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	now := time.Now()
	msgID, err := n.OnFinish(ctx, tx, notifier.Task{ID: id, Topic: topic, Status: notifier.StatusSucceeded, Start: now, End: now,
		Sources: []string{"oss://b/in.mp4"}, Targets: []notifier.Target{{URI: "oss://b/out.mp4"}}})
	require.NoError(t, err)
	require.NoError(t, tx.Commit())
	return msgID
}

func TestStatePersistsAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := openDB(t, dir)
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
	require.Contains(t, string(body), `xmlns="http://mns.aliyuncs.com/doc/v1/"`)

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
