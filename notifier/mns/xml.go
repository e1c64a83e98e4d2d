package mns

import (
	"encoding/xml"
	"io"
	"net/http"
)

// The MNS documents, as the MNS SDKs send and parse them. Every response
// root carries the MNS namespace; requests are accepted with or without it.

type queueXML struct {
	XMLName                xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Queue"`
	QueueName              string   `xml:"QueueName,omitempty"`
	CreateTime             int64    `xml:"CreateTime,omitempty"`
	LastModifyTime         int64    `xml:"LastModifyTime,omitempty"`
	DelaySeconds           int      `xml:"DelaySeconds"`
	MaximumMessageSize     int      `xml:"MaximumMessageSize"`
	MessageRetentionPeriod int      `xml:"MessageRetentionPeriod"`
	VisibilityTimeout      int      `xml:"VisibilityTimeout"`
	PollingWaitSeconds     int      `xml:"PollingWaitSeconds"`
	ActiveMessages         int64    `xml:"ActiveMessages"`
	InactiveMessages       int64    `xml:"InactiveMessages"`
	DelayMessages          int64    `xml:"DelayMessages"`
	LoggingEnabled         bool     `xml:"LoggingEnabled"`
}

// queueRequest is a CreateQueue/SetQueueAttributes body; nil fields were
// not sent.
type queueRequest struct {
	DelaySeconds           *int  `xml:"DelaySeconds"`
	MaximumMessageSize     *int  `xml:"MaximumMessageSize"`
	MessageRetentionPeriod *int  `xml:"MessageRetentionPeriod"`
	VisibilityTimeout      *int  `xml:"VisibilityTimeout"`
	PollingWaitSeconds     *int  `xml:"PollingWaitSeconds"`
	LoggingEnabled         *bool `xml:"LoggingEnabled"`
}

type topicXML struct {
	XMLName                xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Topic"`
	TopicName              string   `xml:"TopicName"`
	CreateTime             int64    `xml:"CreateTime"`
	LastModifyTime         int64    `xml:"LastModifyTime"`
	MaximumMessageSize     int      `xml:"MaximumMessageSize"`
	MessageRetentionPeriod int      `xml:"MessageRetentionPeriod"`
	MessageCount           int64    `xml:"MessageCount"`
	LoggingEnabled         bool     `xml:"LoggingEnabled"`
}

type topicRequest struct {
	MaximumMessageSize *int  `xml:"MaximumMessageSize"`
	LoggingEnabled     *bool `xml:"LoggingEnabled"`
}

type subscriptionXML struct {
	XMLName             xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Subscription"`
	SubscriptionName    string   `xml:"SubscriptionName"`
	Subscriber          string   `xml:"Subscriber"`
	TopicOwner          string   `xml:"TopicOwner"`
	TopicName           string   `xml:"TopicName"`
	Endpoint            string   `xml:"Endpoint"`
	NotifyStrategy      string   `xml:"NotifyStrategy"`
	NotifyContentFormat string   `xml:"NotifyContentFormat"`
	FilterTag           string   `xml:"FilterTag,omitempty"`
	CreateTime          int64    `xml:"CreateTime"`
	LastModifyTime      int64    `xml:"LastModifyTime"`
}

type subscribeRequest struct {
	Endpoint            string `xml:"Endpoint"`
	FilterTag           string `xml:"FilterTag"`
	NotifyStrategy      string `xml:"NotifyStrategy"`
	NotifyContentFormat string `xml:"NotifyContentFormat"`
}

// messageRequest is SendMessage's and Publish's body.
type messageRequest struct {
	MessageBody  string `xml:"MessageBody"`
	DelaySeconds *int   `xml:"DelaySeconds"`
	Priority     int    `xml:"Priority"`
	MessageTag   string `xml:"MessageTag"`
}

type batchRequest struct {
	XMLName  xml.Name         `xml:"Messages"`
	Messages []messageRequest `xml:"Message"`
}

type sentXML struct {
	XMLName        xml.Name `xml:"Message"`
	MessageId      string   `xml:"MessageId"`
	MessageBodyMD5 string   `xml:"MessageBodyMD5"`
}

type batchSentEntry struct {
	XMLName        xml.Name `xml:"Message"`
	ErrorCode      string   `xml:"ErrorCode,omitempty"`
	ErrorMessage   string   `xml:"ErrorMessage,omitempty"`
	MessageId      string   `xml:"MessageId,omitempty"`
	MessageBodyMD5 string   `xml:"MessageBodyMD5,omitempty"`
}

type batchSentXML struct {
	XMLName  xml.Name         `xml:"http://mns.aliyuncs.com/doc/v1/ Messages"`
	Messages []batchSentEntry `xml:"Message"`
}

type receivedXML struct {
	XMLName          xml.Name `xml:"Message"`
	MessageId        string   `xml:"MessageId"`
	ReceiptHandle    string   `xml:"ReceiptHandle,omitempty"`
	MessageBodyMD5   string   `xml:"MessageBodyMD5"`
	MessageBody      string   `xml:"MessageBody"`
	EnqueueTime      int64    `xml:"EnqueueTime"`
	NextVisibleTime  int64    `xml:"NextVisibleTime"`
	FirstDequeueTime int64    `xml:"FirstDequeueTime"`
	DequeueCount     int      `xml:"DequeueCount"`
	Priority         int      `xml:"Priority"`
}

type receivedBatchXML struct {
	XMLName  xml.Name      `xml:"http://mns.aliyuncs.com/doc/v1/ Messages"`
	Messages []receivedXML `xml:"Message"`
}

type visibilityXML struct {
	XMLName         xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ ChangeVisibility"`
	ReceiptHandle   string   `xml:"ReceiptHandle"`
	NextVisibleTime int64    `xml:"NextVisibleTime"`
}

type receiptHandlesXML struct {
	Handles []string `xml:"ReceiptHandle"`
}

type deleteErrorXML struct {
	XMLName       xml.Name `xml:"Error"`
	ErrorCode     string   `xml:"ErrorCode"`
	ErrorMessage  string   `xml:"ErrorMessage"`
	ReceiptHandle string   `xml:"ReceiptHandle"`
}

type deleteErrorsXML struct {
	XMLName xml.Name         `xml:"http://mns.aliyuncs.com/doc/v1/ Errors"`
	Errors  []deleteErrorXML `xml:"Error"`
}

// errorXML is the error document. Its namespace has no trailing slash,
// unlike every other MNS document: that is what the service sends, and the
// Java MNS SDK reads errors with a JAXB binding to exactly
// "http://mns.aliyuncs.com/doc/v1" (any other namespace turns a
// MessageNotExist into a ClientException, so an empty long poll fails
// instead of returning null); the Go SDK's own fixtures use it too.
type errorXML struct {
	XMLName   xml.Name `xml:"http://mns.aliyuncs.com/doc/v1 Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestId string   `xml:"RequestId"`
	HostId    string   `xml:"HostId"`
}

// The list documents: URLs only, or full attributes with x-mns-with-meta.
type (
	queueURL struct {
		QueueURL string `xml:"QueueURL"`
	}
	queuesXML struct {
		XMLName    xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Queues"`
		Queues     []any    `xml:"Queue"`
		NextMarker string   `xml:"NextMarker,omitempty"`
	}
	topicURL struct {
		TopicURL string `xml:"TopicURL"`
	}
	topicsXML struct {
		XMLName    xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Topics"`
		Topics     []any    `xml:"Topic"`
		NextMarker string   `xml:"NextMarker,omitempty"`
	}
	subscriptionURL struct {
		SubscriptionURL string `xml:"SubscriptionURL"`
	}
	subscriptionsXML struct {
		XMLName       xml.Name `xml:"http://mns.aliyuncs.com/doc/v1/ Subscriptions"`
		Subscriptions []any    `xml:"Subscription"`
		NextMarker    string   `xml:"NextMarker,omitempty"`
	}
)

func received(m QueueMessage) receivedXML {
	return receivedXML{MessageId: m.ID, ReceiptHandle: m.Receipt, MessageBodyMD5: m.BodyMD5, MessageBody: m.Body,
		EnqueueTime: m.EnqueueTime, NextVisibleTime: m.NextVisible, FirstDequeueTime: m.FirstDequeue,
		DequeueCount: m.DequeueCount, Priority: m.Priority}
}

// writeXML writes a document with the MNS response headers.
func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(body)
}
