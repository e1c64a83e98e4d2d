package mns

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/pgtest"
	"github.com/ossemu/ossemu/internal/sqldb"
)

// Two nodes' MNS services on one PostgreSQL database.
func twoNodes(t *testing.T) (a, b *env) {
	t.Helper()
	url := pgtest.URL(t)
	for _, e := range []**env{&a, &b} {
		db, err := sqldb.Open(t.Context(), url, sqldb.Options{MaxConns: 4})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		*e = start(t, t.TempDir(), db, nil)
	}
	return a, b
}

// TestLongPollOnOtherNode: a message sent through one node ends a long poll
// waiting on the other; the wake-up travels through LISTEN/NOTIFY.
func TestLongPollOnOtherNode(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t)
	_, err := a.c.do("PUT", "queues/jobs", nil, createQueueReq{VisibilityTimeout: 30}, nil)
	require.NoError(t, err)
	woken := make(chan struct{}, 10)
	sqldb.OnNotify(b.db, sqldb.TopicMNS, func() { woken <- struct{}{} })
	<-woken // the LISTEN connection is up (connecting counts as a wake-up)
	start := time.Now()
	poll := b.c.receive("jobs", 20)
	var sent sendResp
	_, err = a.c.do("POST", "queues/jobs/messages", nil, sendReq{MessageBody: "across"}, &sent)
	require.NoError(t, err)
	select {
	case <-woken:
	case <-time.After(20 * time.Second):
		t.Fatal("the send did not wake the other node")
	}
	r := await(t, poll)
	require.NoError(t, r.err)
	require.Equal(t, sent.MessageId, r.msg.MessageId)
	require.Less(t, time.Since(start), 15*time.Second, "the long poll ended on the message, not on its 20 s wait")
}

// TestReceiversOnTwoNodes: receivers on both nodes drain one queue
// together and never get the same message.
func TestReceiversOnTwoNodes(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t)
	_, err := a.c.do("PUT", "queues/work", nil, createQueueReq{VisibilityTimeout: 300}, nil)
	require.NoError(t, err)
	const total = 60
	for i := range total {
		_, err := a.c.do("POST", "queues/work/messages", nil, sendReq{MessageBody: fmt.Sprint("m", i)}, nil)
		require.NoError(t, err)
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for _, e := range []*env{a, b, a, b} {
		wg.Go(func() {
			for {
				var batch batchRecvResp
				if _, err := e.c.do("GET", "queues/work/messages?numOfMessages=4", nil, nil, &batch); err != nil {
					if errCode(err) != "MessageNotExist" {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				for _, m := range batch.Messages {
					got[m.MessageBody]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Len(t, got, total)
	for body, n := range got {
		require.Equal(t, 1, n, "%s was received %d times", body, n)
	}
}
