package console

import (
	"net/http"
	"strconv"
)

// MNSQueue is a queue of the built-in MNS service with its message counts.
type MNSQueue struct {
	Name       string `json:"Name"`
	Active     int64  `json:"Active"`   // visible now
	Inactive   int64  `json:"Inactive"` // received, not yet visible again
	Delayed    int64  `json:"Delayed"`
	Visibility int    `json:"VisibilityTimeout"`
	Retention  int    `json:"MessageRetentionPeriod"`
	Created    string `json:"Created"`
}

// MNSTopic is a topic with its subscriptions.
type MNSTopic struct {
	Name          string            `json:"Name"`
	Created       string            `json:"Created"`
	Messages      int64             `json:"Messages"` // recorded for the topic (published, or from tasks)
	Subscriptions []MNSSubscription `json:"Subscriptions"`
	// Configured marks topics whose subscribers come from --notify-endpoint
	// rather than from the MNS API.
	Configured bool `json:"Configured,omitempty"`
}

// MNSSubscription is one subscriber of a topic.
type MNSSubscription struct {
	Name      string `json:"Name"`
	Endpoint  string `json:"Endpoint"`
	FilterTag string `json:"FilterTag,omitempty"`
	Format    string `json:"Format"`
	Strategy  string `json:"Strategy"`
}

// MNSMessage is a queue message as a peek shows it.
type MNSMessage struct {
	ID           string `json:"MessageId"`
	Body         string `json:"Body"`
	EnqueueTime  string `json:"EnqueueTime"`
	DequeueCount int    `json:"DequeueCount"`
	Priority     int    `json:"Priority"`
}

func (c *Console) requireMNS() error {
	if c.cfg.MNS == nil {
		return apiErr(http.StatusNotImplemented, "NotImplemented", "the MNS view is not configured")
	}
	return nil
}

// mnsOverview answers GET api/mns: every queue and topic.
func (c *Console) mnsOverview(r *http.Request) (any, error) {
	if err := c.requireMNS(); err != nil {
		return nil, err
	}
	qs, err := c.cfg.MNS.Queues(r.Context())
	if err != nil {
		return nil, err
	}
	ts, err := c.cfg.MNS.Topics(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Queues": nonNil(qs), "Topics": nonNil(ts)}, nil
}

// mnsPeek answers GET api/mns/queues/{queue}/peek?n=.
func (c *Console) mnsPeek(r *http.Request) (any, error) {
	if err := c.requireMNS(); err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n < 1 || n > 16 {
		n = 16 // MNS's batch limit
	}
	ms, err := c.cfg.MNS.Peek(r.Context(), r.PathValue("queue"), n)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Queue": r.PathValue("queue"), "Messages": nonNil(ms)}, nil
}

// mnsTopicMessages answers GET api/mns/topics/{topic}/messages: the
// latest messages published to a topic and their deliveries.
func (c *Console) mnsTopicMessages(r *http.Request) (any, error) {
	if c.cfg.Notifications == nil {
		return nil, apiErr(http.StatusNotImplemented, "NotImplemented", "notifications are not configured")
	}
	ms, err := c.cfg.Notifications.TopicMessages(r.Context(), r.PathValue("topic"), 20)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Topic": r.PathValue("topic"), "Messages": nonNil(ms)}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
