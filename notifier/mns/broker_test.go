package mns

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
	"github.com/ossemu/ossemu/notifier"
)

// TestTaskNamesTopic: a task's notification for a topic nobody created is
// recorded with no subscribers, and the fan-out creates the topic, whose
// message count then includes it.
func TestTaskNamesTopic(t *testing.T) { t.Parallel(); testutil.ForEachStore(t, testTaskNamesTopic) }

func testTaskNamesTopic(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
	ctx := context.Background()
	id := finishTask(t, e.n, "MediaConvert-lonely", "lonely")
	require.Eventually(t, func() bool {
		st, err := e.n.MessageStatus(ctx, id)
		return err == nil && st != nil && st.State == notifier.StateNoSubscribers
	}, 10*time.Second, 5*time.Millisecond)
	top, err := e.b.GetTopic(ctx, "lonely")
	require.NoError(t, err, "a topic named by a task is created on first use")
	require.EqualValues(t, 1, top.Messages)
	msgs, err := e.n.TopicMessages(ctx, "lonely", 10)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Equal(t, id, msgs[0].MessageID)
}

// TestTxVariantsUseTheCallersTransaction: Subscribers and Enqueue, the
// operations the dispatcher calls, work inside the caller's transaction, so
// they commit or vanish with it (on the test's one-connection database a
// variant that used a connection of its own would block until the context
// ends).
func TestTxVariantsUseTheCallersTransaction(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testTxVariantsUseTheCallersTransaction)
}

func testTxVariantsUseTheCallersTransaction(t *testing.T, ds testutil.DBStore) {
	e := newEnvOn(t, ds)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := e.b.CreateQueue(ctx, Queue{Name: "q"}, false)
	require.NoError(t, err)

	for _, commit := range []bool{false, true} {
		tx, err := e.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		subs, err := e.b.Subscribers(ctx, tx, "named-by-task")
		require.NoError(t, err)
		require.Empty(t, subs)
		require.NoError(t, e.b.Enqueue(ctx, tx, "q", "body"))
		if commit {
			require.NoError(t, tx.Commit())
		} else {
			require.NoError(t, tx.Rollback())
		}
		q, err := e.b.GetQueue(ctx, "q")
		require.NoError(t, err)
		_, topicErr := e.b.GetTopic(ctx, "named-by-task")
		if commit {
			require.EqualValues(t, 1, q.Active, "committed: the message is there")
			require.NoError(t, topicErr, "committed: the topic exists")
		} else {
			require.EqualValues(t, 0, q.Active, "rolled back: no message")
			mnsErr, ok := AsError(topicErr)
			require.True(t, ok, "rolled back: no topic, got %v", topicErr)
			require.Equal(t, CodeTopicNotExist, mnsErr.Code)
		}
	}
}
