package mns

import (
	"encoding/xml"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/testutil"
)

// listDoc decodes any of the three list documents: its entries are either
// URLs or, with x-mns-with-meta, the full documents.
type listDoc struct {
	XMLName xml.Name
	Entries []struct {
		XMLName xml.Name
		URL     string `xml:",any"`
		Name    string `xml:"QueueName"`
		Topic   string `xml:"TopicName"`
		Sub     string `xml:"SubscriptionName"`
	} `xml:",any"`
}

func TestListWithAndWithoutMeta(t *testing.T) {
	t.Parallel()
	testutil.ForEachStore(t, testListWithAndWithoutMeta)
}

func testListWithAndWithoutMeta(t *testing.T, ds testutil.DBStore) {
	c := newEnvOn(t, ds).c
	for _, res := range []string{"queues/q1", "queues/q2", "topics/t1", "topics/t1/subscriptions/s1"} {
		var err error
		switch res[0] {
		case 'q':
			_, err = c.do("PUT", res, nil, createQueueReq{VisibilityTimeout: 30}, nil)
		default:
			if res == "topics/t1" {
				_, err = c.do("PUT", res, nil, createTopicReq{MaximumMessageSize: 65536}, nil)
			} else {
				_, err = c.do("PUT", res, nil, subscribeReq{Endpoint: "acs:mns:cn-hangzhou:127:queues/q1"}, nil)
			}
		}
		require.NoError(t, err, res)
	}
	tests := []struct {
		path, root, entry string
		meta              bool
		want              []string
	}{
		{"queues", "Queues", "Queue", false, []string{"/queues/q1", "/queues/q2"}},
		{"queues", "Queues", "Queue", true, []string{"q1", "q2"}},
		{"topics", "Topics", "Topic", false, []string{"/topics/t1"}},
		{"topics", "Topics", "Topic", true, []string{"t1"}},
		{"topics/t1/subscriptions", "Subscriptions", "Subscription", false, []string{"/topics/t1/subscriptions/s1"}},
		{"topics/t1/subscriptions", "Subscriptions", "Subscription", true, []string{"s1"}},
	}
	for _, tc := range tests {
		h := map[string]string{}
		if tc.meta {
			h["x-mns-with-meta"] = "true"
		}
		var doc listDoc
		status, err := c.do("GET", tc.path, h, nil, &doc)
		require.NoError(t, err, tc.path)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, tc.root, doc.XMLName.Local)
		require.Len(t, doc.Entries, len(tc.want), tc.path)
		for i, e := range doc.Entries {
			require.Equal(t, tc.entry, e.XMLName.Local)
			name := map[string]string{"Queue": e.Name, "Topic": e.Topic, "Subscription": e.Sub}[tc.entry]
			if tc.meta {
				require.Equal(t, tc.want[i], name, "%s with meta", tc.path)
			} else {
				require.Contains(t, e.URL, tc.want[i], tc.path)
				require.Empty(t, e.Name+e.Topic+e.Sub, "no attributes without meta")
			}
		}
	}
	var empty listDoc
	_, err := c.do("GET", "queues", map[string]string{"x-mns-prefix": "none"}, nil, &empty)
	require.NoError(t, err)
	require.Equal(t, "Queues", empty.XMLName.Local, "an empty page keeps its root")
	require.Empty(t, empty.Entries)
}
