package mns

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestChangeVisibilityQueryNameSpellings sends ChangeMessageVisibility and
// DeleteMessage with the query names in the spellings SDKs use: the Go,
// Java and Python SDKs write ReceiptHandle/VisibilityTimeout, the Node SDK
// (@alicloud/mns) receiptHandle/visibilityTimeout. MNS accepts any case.
func TestChangeVisibilityQueryNameSpellings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, handle, timeout string }{
		{"documented", "ReceiptHandle", "VisibilityTimeout"},
		{"node sdk", "receiptHandle", "visibilityTimeout"},
		{"lower case", "receipthandle", "visibilitytimeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newEnv(t).c
			_, err := c.do("PUT", "queues/q", nil, createQueueReq{VisibilityTimeout: 30}, nil)
			require.NoError(t, err)
			_, err = c.do("POST", "queues/q/messages", nil, sendReq{MessageBody: "m"}, nil)
			require.NoError(t, err)
			r := await(t, c.receive("q", 1))
			require.NoError(t, r.err)

			var vis visibilityResp
			_, err = c.do("PUT", "queues/q/messages?"+tc.handle+"="+r.msg.ReceiptHandle+"&"+tc.timeout+"=0", nil, nil, &vis)
			require.NoError(t, err)
			require.NotEqual(t, r.msg.ReceiptHandle, vis.ReceiptHandle)

			again := await(t, c.receive("q", 5))
			require.NoError(t, again.err)
			require.Equal(t, r.msg.MessageId, again.msg.MessageId, "visibility 0 makes the message visible at once")
			require.EqualValues(t, 2, again.msg.DequeueCount)

			_, err = c.do("PUT", "queues/q/messages?"+tc.handle+"="+again.msg.ReceiptHandle, nil, nil, nil)
			require.Equal(t, "MissingVisibilityTimeout", errCode(err))
			_, err = c.do("PUT", "queues/q/messages?"+tc.handle+"="+again.msg.ReceiptHandle+"&"+tc.timeout+"=43201", nil, nil, nil)
			require.Equal(t, "InvalidArgument", errCode(err))

			_, err = c.do("DELETE", "queues/q/messages?"+tc.handle+"="+again.msg.ReceiptHandle, nil, nil, nil)
			require.NoError(t, err)
			gone := await(t, c.receive("q", 1))
			require.Equal(t, "MessageNotExist", errCode(gone.err))
		})
	}
}
