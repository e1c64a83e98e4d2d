package mns

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
)

// The official MNS Go SDK (github.com/aliyun/aliyun-mns-go-sdk) cannot be
// fetched here (the module proxy refuses it), so this client speaks its wire
// format, written from reading the SDK: the body is xml.Marshal output with
// no XML declaration; Content-Type application/xml; Content-MD5 is base64
// of the *hex* MD5 digest; x-mns-version 2015-06-06; the resource signed is
// "/" + the path and query exactly as put on the URL; list parameters travel
// in x-mns-* headers; 200, 201 and 204 are successes and anything else is an
// <Error> document.

const (
	testAK = "ossemu-ak"
	testSK = "ossemu-secret"
)

type client struct {
	base, ak, sk string
}

type mnsError struct {
	Status    int
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	RequestId string `xml:"RequestId"`
}

func (e *mnsError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// do sends one signed request and decodes a success into out.
func (c *client) do(method, resource string, headers map[string]string, in, out any) (int, error) {
	var body []byte
	if in != nil {
		var err error
		if body, err = xml.Marshal(in); err != nil {
			return 0, err
		}
	}
	req, err := http.NewRequest(method, c.base+"/"+resource, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	sum := md5.Sum(body)
	h := map[string]string{
		"x-mns-version": "2015-06-06",
		"Content-Type":  "application/xml",
		"Content-MD5":   base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%x", sum))),
		"Date":          time.Now().UTC().Format(http.TimeFormat),
	}
	for k, v := range headers {
		h[k] = v
	}
	var mnsLines []string
	for k, v := range h {
		if strings.HasPrefix(k, "x-mns-") {
			mnsLines = append(mnsLines, k+":"+v)
		}
		req.Header.Set(k, v)
	}
	sort.Strings(mnsLines)
	toSign := method + "\n" + h["Content-MD5"] + "\n" + h["Content-Type"] + "\n" + h["Date"] + "\n" +
		strings.Join(mnsLines, "\n") + "\n/" + resource
	req.Header.Set("Authorization", "MNS "+c.ak+":"+Sign(c.sk, toSign))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated, http.StatusNoContent:
		if out != nil && len(data) > 0 {
			return resp.StatusCode, xml.Unmarshal(data, out)
		}
		return resp.StatusCode, nil
	}
	e := &mnsError{Status: resp.StatusCode}
	if err := xml.Unmarshal(data, e); err != nil {
		return resp.StatusCode, fmt.Errorf("HTTP %d, undecodable error %q: %w", resp.StatusCode, data, err)
	}
	return resp.StatusCode, e
}

func errCode(err error) string {
	if e, ok := err.(*mnsError); ok {
		return e.Code
	}
	return ""
}

// Request and response documents, named as in the MNS API.
type (
	createQueueReq struct {
		XMLName            xml.Name `xml:"Queue"`
		DelaySeconds       int      `xml:"DelaySeconds"`
		MaximumMessageSize int      `xml:"MaximumMessageSize,omitempty"`
		RetentionPeriod    int      `xml:"MessageRetentionPeriod,omitempty"`
		VisibilityTimeout  int      `xml:"VisibilityTimeout,omitempty"`
		PollingWaitSeconds int      `xml:"PollingWaitSeconds"`
		LoggingEnabled     bool     `xml:"LoggingEnabled"`
	}
	queueAttrs struct {
		QueueName         string
		VisibilityTimeout int
		ActiveMessages    int64
		InactiveMessages  int64
	}
	createTopicReq struct {
		XMLName            xml.Name `xml:"Topic"`
		MaximumMessageSize int      `xml:"MaximumMessageSize,omitempty"`
		LoggingEnabled     bool     `xml:"LoggingEnabled"`
	}
	subscribeReq struct {
		XMLName             xml.Name `xml:"Subscription"`
		Endpoint            string   `xml:"Endpoint"`
		FilterTag           string   `xml:"FilterTag,omitempty"`
		NotifyStrategy      string   `xml:"NotifyStrategy,omitempty"`
		NotifyContentFormat string   `xml:"NotifyContentFormat,omitempty"`
	}
	sendReq struct {
		XMLName      xml.Name `xml:"Message"`
		MessageBody  string   `xml:"MessageBody"`
		DelaySeconds int64    `xml:"DelaySeconds"`
		Priority     int64    `xml:"Priority"`
	}
	publishReq struct {
		XMLName     xml.Name `xml:"Message"`
		MessageBody string   `xml:"MessageBody"`
		MessageTag  string   `xml:"MessageTag,omitempty"`
	}
	sendResp struct {
		MessageId      string
		MessageBodyMD5 string
	}
	recvResp struct {
		MessageId, ReceiptHandle, MessageBodyMD5, MessageBody        string
		EnqueueTime, NextVisibleTime, FirstDequeueTime, DequeueCount int64
		Priority                                                     int64
	}
	batchRecvResp struct {
		Messages []recvResp `xml:"Message"`
	}
	visibilityResp struct {
		ReceiptHandle   string
		NextVisibleTime int64
	}
	queueList struct {
		Queues []struct {
			QueueURL string
		} `xml:"Queue"`
		NextMarker string
	}
	subscriptionList struct {
		Subscriptions []struct {
			SubscriptionURL string
		} `xml:"Subscription"`
	}
)

// env is one emulator: a notifier and a broker on its own database, and
// the MNS server.
type env struct {
	n      *notifier.Notifier
	b      *Broker
	srv    *httptest.Server
	c      *client
	db     *sql.DB
	dir    string
	cancel context.CancelFunc
	done   chan error
}

// start builds an emulator on dir's database (reused across restarts).
func start(t *testing.T, dir string, db *sql.DB, mod func(*notifier.Config)) *env {
	t.Helper()
	cfg := notifier.Config{DataDir: dir, Backoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		PollInterval: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	b, err := NewBroker(context.Background(), db)
	require.NoError(t, err)
	n, err := notifier.New(context.Background(), cfg, notifier.Deps{DB: db, Broker: b})
	require.NoError(t, err)
	s, err := New(Config{AccessKeyID: testAK, AccessKeySecret: testSK}, b, n, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{n: n, b: b, srv: srv, c: &client{base: srv.URL, ak: testAK, sk: testSK}, db: db, dir: dir, cancel: cancel, done: make(chan error, 1)}
	go func() { e.done <- n.Run(ctx) }()
	t.Cleanup(e.stop)
	return e
}

func (e *env) stop() {
	if e.cancel != nil {
		e.cancel()
		<-e.done
		e.cancel = nil
		e.srv.Close()
	}
}

func newEnv(t *testing.T) *env {
	return newEnvOn(t, testutil.DBStores()[0])
}

// newEnvOn is newEnv on a fresh database of st.
func newEnvOn(t *testing.T, st testutil.DBStore) *env {
	dir := t.TempDir()
	return start(t, dir, st.Open(t, dir), nil)
}

// receive runs a long-poll ReceiveMessage in the background.
func (c *client) receive(queue string, wait int) <-chan recvResult {
	ch := make(chan recvResult, 1)
	go func() {
		var m recvResp
		_, err := c.do("GET", fmt.Sprintf("queues/%s/messages?waitseconds=%d", queue, wait), nil, nil, &m)
		ch <- recvResult{m, err}
	}()
	return ch
}

type recvResult struct {
	msg recvResp
	err error
}

func await(t *testing.T, ch <-chan recvResult) recvResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(40 * time.Second):
		t.Fatal("receive never returned")
		return recvResult{}
	}
}
