package mns

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/notifier"
)

// decode parses an XML request body into v; an empty body leaves v as is.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return Errf(CodeMalformedXML, "The request body is not valid MNS XML: %v.", err)
	}
	return nil
}

func queueDoc(q *Queue) queueXML {
	return queueXML{QueueName: q.Name, CreateTime: q.Created, LastModifyTime: q.Modified, DelaySeconds: q.Delay,
		MaximumMessageSize: q.MaxSize, MessageRetentionPeriod: q.Retention, VisibilityTimeout: q.Visibility,
		PollingWaitSeconds: q.PollingWait, ActiveMessages: q.Active, InactiveMessages: q.Inactive,
		DelayMessages: q.Delayed, LoggingEnabled: q.Logging}
}

// createQueue is CreateQueue (PUT /queues/<q>) and, with metaoverride=true,
// SetQueueAttributes, which changes only the attributes sent.
func (s *Server) createQueue(r *http.Request, body []byte, w http.ResponseWriter) error {
	var req queueRequest
	if err := decode(body, &req); err != nil {
		return err
	}
	name := chi.URLParam(r, "queue")
	override := r.URL.Query().Get("metaoverride") == "true"
	q := Queue{Name: name}
	if override {
		old, err := s.b.GetQueue(r.Context(), name)
		if err != nil {
			return err
		}
		q = *old
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&q.Delay, req.DelaySeconds)
	set(&q.MaxSize, req.MaximumMessageSize)
	set(&q.Retention, req.MessageRetentionPeriod)
	set(&q.Visibility, req.VisibilityTimeout)
	set(&q.PollingWait, req.PollingWaitSeconds)
	if req.LoggingEnabled != nil {
		q.Logging = *req.LoggingEnabled
	}
	created, err := s.b.CreateQueue(r.Context(), q, override)
	if err != nil {
		return err
	}
	return createdOrNoContent(w, r, created, "queues/"+name)
}

func (s *Server) getQueue(r *http.Request, _ []byte, w http.ResponseWriter) error {
	q, err := s.b.GetQueue(r.Context(), chi.URLParam(r, "queue"))
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, queueDoc(q))
	return nil
}

func (s *Server) deleteQueue(r *http.Request, _ []byte, w http.ResponseWriter) error {
	if err := s.b.DeleteQueue(r.Context(), chi.URLParam(r, "queue")); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) listQueues(r *http.Request, _ []byte, w http.ResponseWriter) error {
	prefix, marker, limit, meta, err := listParams(r)
	if err != nil {
		return err
	}
	qs, next, err := s.b.ListQueues(r.Context(), prefix, marker, limit)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, queuesXML{NextMarker: next, Queues: listEntries(qs, meta,
		func(q *Queue) any { return queueDoc(q) },
		func(q *Queue) any { return queueURL{resourceURL(r, "queues/"+q.Name)} })})
	return nil
}

// sendMessage is SendMessage, or BatchSendMessage when the body's root is
// <Messages>.
func (s *Server) sendMessage(r *http.Request, body []byte, w http.ResponseWriter) error {
	queue := chi.URLParam(r, "queue")
	var batch batchRequest
	if xml.Unmarshal(body, &batch) == nil {
		if len(batch.Messages) == 0 || len(batch.Messages) > 16 {
			return Errf(CodeInvalidArgument, "A batch holds 1 to 16 messages, not %d.", len(batch.Messages))
		}
		doc := batchSentXML{}
		failed := false
		for _, m := range batch.Messages {
			sent, err := s.b.SendMessage(r.Context(), queue, m.MessageBody, delayOf(m), m.Priority)
			if e, ok := AsError(err); ok && e.Code != CodeQueueNotExist {
				failed = true
				doc.Messages = append(doc.Messages, batchSentEntry{ErrorCode: e.Code, ErrorMessage: e.Message})
				continue
			}
			if err != nil {
				return err
			}
			doc.Messages = append(doc.Messages, batchSentEntry{MessageId: sent.ID, MessageBodyMD5: sent.BodyMD5})
		}
		status := http.StatusCreated
		if failed {
			status = http.StatusInternalServerError // MNS's status for a partly failed batch
		}
		writeXML(w, status, doc)
		return nil
	}
	var m messageRequest
	if err := decode(body, &m); err != nil {
		return err
	}
	sent, err := s.b.SendMessage(r.Context(), queue, m.MessageBody, delayOf(m), m.Priority)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusCreated, sentXML{MessageId: sent.ID, MessageBodyMD5: sent.BodyMD5})
	return nil
}

func delayOf(m messageRequest) int {
	if m.DelaySeconds == nil {
		return -1 // the queue's DelaySeconds
	}
	return *m.DelaySeconds
}

// receiveMessage is ReceiveMessage, BatchReceiveMessage (numOfMessages) and
// their peekonly forms. waitseconds long-polls; without it the queue's
// PollingWaitSeconds applies.
func (s *Server) receiveMessage(r *http.Request, _ []byte, w http.ResponseWriter) error {
	name := chi.URLParam(r, "queue")
	q, err := s.b.GetQueue(r.Context(), name)
	if err != nil {
		return err
	}
	wait, err := intParam(r, "waitseconds", q.PollingWait, 0, 30)
	if err != nil {
		return err
	}
	num, err := intParam(r, "numOfMessages", 1, 1, 16)
	if err != nil {
		return err
	}
	peek := r.URL.Query().Get("peekonly") == "true"
	if peek {
		wait = 0
	}
	msgs, err := s.b.ReceiveMessages(r.Context(), name, num, time.Duration(wait)*time.Second, peek)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("numOfMessages") {
		doc := receivedBatchXML{}
		for _, m := range msgs {
			doc.Messages = append(doc.Messages, received(m))
		}
		writeXML(w, http.StatusOK, doc)
		return nil
	}
	one := received(msgs[0])
	one.XMLName = xml.Name{Space: notifier.Namespace, Local: "Message"}
	writeXML(w, http.StatusOK, one)
	return nil
}

// deleteMessage is DeleteMessage (?ReceiptHandle=) or, with a
// <ReceiptHandles> body, BatchDeleteMessage.
func (s *Server) deleteMessage(r *http.Request, body []byte, w http.ResponseWriter) error {
	queue := chi.URLParam(r, "queue")
	if h, _ := queryFold(r.URL.Query(), "ReceiptHandle"); h != "" || len(bytes.TrimSpace(body)) == 0 {
		if err := s.b.DeleteMessage(r.Context(), queue, h); err != nil {
			return err
		}
		return noContent(w)
	}
	var req receiptHandlesXML
	if err := decode(body, &req); err != nil {
		return err
	}
	doc := deleteErrorsXML{}
	for _, h := range req.Handles {
		err := s.b.DeleteMessage(r.Context(), queue, h)
		if e, ok := AsError(err); ok && e.Code != CodeQueueNotExist {
			doc.Errors = append(doc.Errors, deleteErrorXML{ErrorCode: e.Code, ErrorMessage: e.Message, ReceiptHandle: h})
			continue
		}
		if err != nil {
			return err
		}
	}
	if len(doc.Errors) > 0 {
		writeXML(w, http.StatusNotFound, doc)
		return nil
	}
	return noContent(w)
}

// changeVisibility is ChangeMessageVisibility.
// Its query names are matched without regard to case, as MNS does: the
// Node SDK (@alicloud/mns) sends receiptHandle and visibilityTimeout.
func (s *Server) changeVisibility(r *http.Request, _ []byte, w http.ResponseWriter) error {
	q := r.URL.Query()
	v, ok := queryFold(q, "VisibilityTimeout")
	if !ok {
		return Errf(CodeMissingVisibilityTimeout, "VisibilityTimeout is missing.")
	}
	timeout, err := intValue("VisibilityTimeout", v, 0, 0, 43200)
	if err != nil {
		return err
	}
	handle, _ := queryFold(q, "ReceiptHandle")
	receipt, next, err := s.b.ChangeVisibility(r.Context(), chi.URLParam(r, "queue"), handle, timeout)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, visibilityXML{ReceiptHandle: receipt, NextVisibleTime: next})
	return nil
}
