package mns

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
)

func TestTopicToQueueLongPoll(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testTopicToQueueLongPoll)
}

func testTopicToQueueLongPoll(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
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
	testutil.ForEachStore(t, testTaskNotificationToSubscribers)
}

func testTaskNotificationToSubscribers(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
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

func TestDeleteTopicDropsSubscriptions(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testDeleteTopicDropsSubscriptions)
}

func testDeleteTopicDropsSubscriptions(t *testing.T, ds testutil.DBStore) {
	c := newEnvOn(t, ds).c
	_, err := c.do("PUT", "topics/gone", nil, createTopicReq{MaximumMessageSize: 65536}, nil)
	require.NoError(t, err)
	_, err = c.do("PUT", "topics/gone/subscriptions/s1", nil, subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/q"}, nil)
	require.NoError(t, err)
	status, err := c.do("DELETE", "topics/gone", nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, status)
	_, err = c.do("GET", "topics/gone", nil, nil, nil)
	require.Equal(t, "TopicNotExist", errCode(err))

	// A topic of the same name starts with no subscriptions.
	_, err = c.do("PUT", "topics/gone", nil, createTopicReq{MaximumMessageSize: 65536}, nil)
	require.NoError(t, err)
	var subs subscriptionList
	_, err = c.do("GET", "topics/gone/subscriptions", nil, nil, &subs)
	require.NoError(t, err)
	require.Empty(t, subs.Subscriptions)
}
