package mns

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ossemu/ossemu/notifier"
)

func topicDoc(t *Topic) topicXML {
	return topicXML{TopicName: t.Name, CreateTime: t.Created, LastModifyTime: t.Modified, MaximumMessageSize: t.MaxSize,
		MessageRetentionPeriod: 86400, MessageCount: t.Messages, LoggingEnabled: t.Logging}
}

// createTopic is CreateTopic and, with metaoverride=true, SetTopicAttributes.
func (s *Server) createTopic(r *http.Request, body []byte, w http.ResponseWriter) error {
	var req topicRequest
	if err := decode(body, &req); err != nil {
		return err
	}
	name := chi.URLParam(r, "topic")
	override := r.URL.Query().Get("metaoverride") == "true"
	t := Topic{Name: name}
	if override {
		old, err := s.b.GetTopic(r.Context(), name)
		if err != nil {
			return err
		}
		t = *old
	}
	if req.MaximumMessageSize != nil {
		t.MaxSize = *req.MaximumMessageSize
	}
	if req.LoggingEnabled != nil {
		t.Logging = *req.LoggingEnabled
	}
	if t.MaxSize != 0 && (t.MaxSize < 1024 || t.MaxSize > 65536) {
		return Errf(CodeInvalidArgument, "MaximumMessageSize %d must be in [1024, 65536].", t.MaxSize)
	}
	created, err := s.b.CreateTopic(r.Context(), t, override)
	if err != nil {
		return err
	}
	return createdOrNoContent(w, r, created, "topics/"+name)
}

func (s *Server) getTopic(r *http.Request, _ []byte, w http.ResponseWriter) error {
	t, err := s.b.GetTopic(r.Context(), chi.URLParam(r, "topic"))
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, topicDoc(t))
	return nil
}

func (s *Server) deleteTopic(r *http.Request, _ []byte, w http.ResponseWriter) error {
	if err := s.b.DeleteTopic(r.Context(), chi.URLParam(r, "topic")); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) listTopics(r *http.Request, _ []byte, w http.ResponseWriter) error {
	prefix, marker, limit, meta, err := listParams(r)
	if err != nil {
		return err
	}
	ts, next, err := s.b.ListTopics(r.Context(), prefix, marker, limit)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, topicsXML{NextMarker: next, Topics: listEntries(ts, meta,
		func(t *Topic) any { return topicDoc(t) },
		func(t *Topic) any { return topicURL{resourceURL(r, "topics/"+t.Name)} })})
	return nil
}

// publish is PublishMessage: the message is recorded in the outbox and
// fanned out to the topic's subscriptions like a task notification.
func (s *Server) publish(r *http.Request, body []byte, w http.ResponseWriter) error {
	var m messageRequest
	if err := decode(body, &m); err != nil {
		return err
	}
	topic := chi.URLParam(r, "topic")
	t, err := s.b.GetTopic(r.Context(), topic)
	if err != nil {
		return err
	}
	if len(m.MessageBody) > t.MaxSize {
		return Errf(CodeInvalidArgument, "The message body is %d bytes, more than the topic's MaximumMessageSize %d.", len(m.MessageBody), t.MaxSize)
	}
	id, err := s.b.Publish(r.Context(), s.n, topic, m.MessageBody, m.MessageTag)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusCreated, sentXML{MessageId: id, MessageBodyMD5: notifier.MD5Hex([]byte(m.MessageBody))})
	return nil
}

func (s *Server) subscriptionDoc(sub *Subscription) subscriptionXML {
	owner := s.n.Config().AccountID
	return subscriptionXML{SubscriptionName: sub.Name, Subscriber: owner, TopicOwner: owner, TopicName: sub.Topic,
		Endpoint: sub.Endpoint, NotifyStrategy: sub.Strategy, NotifyContentFormat: string(sub.Format),
		FilterTag: sub.FilterTag, CreateTime: sub.Created, LastModifyTime: sub.Modified}
}

// subscribe is Subscribe and, with metaoverride=true,
// SetSubscriptionAttributes (NotifyStrategy only, as in MNS).
func (s *Server) subscribe(r *http.Request, body []byte, w http.ResponseWriter) error {
	var req subscribeRequest
	if err := decode(body, &req); err != nil {
		return err
	}
	topic, name := chi.URLParam(r, "topic"), chi.URLParam(r, "sub")
	if r.URL.Query().Get("metaoverride") == "true" {
		if err := s.b.SetSubscriptionStrategy(r.Context(), topic, name, req.NotifyStrategy); err != nil {
			return err
		}
		return noContent(w)
	}
	format, err := notifier.ParseFormat(req.NotifyContentFormat)
	if err != nil {
		return Errf(CodeInvalidArgument, "NotifyContentFormat %q must be XML, JSON or SIMPLIFIED.", req.NotifyContentFormat)
	}
	created, err := s.b.Subscribe(r.Context(), Subscription{Topic: topic, Name: name, Endpoint: req.Endpoint,
		FilterTag: req.FilterTag, Strategy: req.NotifyStrategy, Format: format})
	if err != nil {
		return err
	}
	return createdOrNoContent(w, r, created, "topics/"+topic+"/subscriptions/"+name)
}

func (s *Server) getSubscription(r *http.Request, _ []byte, w http.ResponseWriter) error {
	sub, err := s.b.GetSubscription(r.Context(), chi.URLParam(r, "topic"), chi.URLParam(r, "sub"))
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, s.subscriptionDoc(sub))
	return nil
}

func (s *Server) unsubscribe(r *http.Request, _ []byte, w http.ResponseWriter) error {
	if err := s.b.Unsubscribe(r.Context(), chi.URLParam(r, "topic"), chi.URLParam(r, "sub")); err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) listSubscriptions(r *http.Request, _ []byte, w http.ResponseWriter) error {
	prefix, marker, limit, meta, err := listParams(r)
	if err != nil {
		return err
	}
	topic := chi.URLParam(r, "topic")
	subs, next, err := s.b.ListSubscriptions(r.Context(), topic, prefix, marker, limit)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, subscriptionsXML{NextMarker: next, Subscriptions: listEntries(subs, meta,
		func(sub *Subscription) any { return s.subscriptionDoc(sub) },
		func(sub *Subscription) any {
			return subscriptionURL{resourceURL(r, "topics/"+topic+"/subscriptions/"+sub.Name)}
		})})
	return nil
}
