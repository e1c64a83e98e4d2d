package mns

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/notifier"
)

// TestTaskNamesTopic: a task's notification for a topic nobody created is
// recorded with no subscribers, and the fan-out creates the topic, whose
// message count then includes it.
func TestTaskNamesTopic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
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
