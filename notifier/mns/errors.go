package mns

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an MNS error: the built-in MNS service writes it as MNS error
// XML. MNS has its own code vocabulary (QueueNotExist, MessageNotExist, …)
// that the MNS SDKs map to typed errors, so these are not osserr codes.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// MNS error codes the service answers with (names from the MNS API and the
// Go SDK's error table).
const (
	CodeQueueNotExist            = "QueueNotExist"
	CodeQueueAlreadyExist        = "QueueAlreadyExist"
	CodeTopicNotExist            = "TopicNotExist"
	CodeTopicAlreadyExist        = "TopicAlreadyExist"
	CodeSubscriptionNotExist     = "SubscriptionNotExist"
	CodeSubscriptionAlreadyExist = "SubscriptionAlreadyExist"
	CodeMessageNotExist          = "MessageNotExist"
	CodeReceiptHandleError       = "ReceiptHandleError"
	CodeInvalidArgument          = "InvalidArgument"
	CodeInvalidQueueName         = "InvalidQueueName"
	CodeTopicNameInvalid         = "TopicNameInvalid"
	CodeSubscriptionNameInvalid  = "SubscriptionNameInvalid"
	CodeEndpointInvalid          = "EndpointInvalid"
	CodeMalformedXML             = "MalformedXML"
	CodeMissingReceiptHandle     = "MissingReceiptHandle"
	CodeMissingVisibilityTimeout = "MissingVisibilityTimeout"
)

func codeStatus(code string) int {
	switch code {
	case CodeQueueNotExist, CodeTopicNotExist, CodeSubscriptionNotExist, CodeMessageNotExist:
		return http.StatusNotFound
	case CodeQueueAlreadyExist, CodeTopicAlreadyExist, CodeSubscriptionAlreadyExist:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// Errf builds an Error; the status follows from the code (400 unless listed).
func Errf(code, format string, args ...any) *Error {
	return &Error{Code: code, Status: codeStatus(code), Message: fmt.Sprintf(format, args...)}
}

// AsError extracts an *Error from err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
