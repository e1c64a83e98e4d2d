package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/ossemu/ossemu/console"
	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/concat"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/engine/sprite"
	"github.com/ossemu/ossemu/notifier"
	"github.com/ossemu/ossemu/notifier/mns"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/server/auth"
	"github.com/ossemu/ossemu/storage"
)

// newConsole builds the web console (/_ossemu/console/) on the running
// subsystems; the adapters below map them onto the console's interfaces.
// canceller works on every role: an api node's cancel reaches the worker
// running the task through the shared queue (queue.Canceller).
func newConsole(cfg Config, store storage.Backend, tasks *queue.Queue, canceller *queue.Canceller,
	notify *notifyRuntime, v *auth.Verifier, logger *slog.Logger) (http.Handler, error) {
	c, err := console.New(console.Config{
		AccessKeyID: cfg.Credentials.AccessKeyID, AccessKeySecret: cfg.Credentials.AccessKeySecret,
		Region: cfg.Server.Region, Tasks: tasks, Canceller: canceller, Events: tasks, Storage: store,
		Authenticator: v, Presigner: v, Media: engineMedia{store: store, maxPixels: cfg.Tasks.Engine.MaxInputPixels, concat: concat.New(cfg.Tasks.Engine), sprite: sprite.New(cfg.Tasks.Engine)}, Notifications: notify.n,
		MNS: mnsInspector{b: notify.broker, n: notify.n}, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	return c.Handler(), nil
}

// engineMedia probes and plans with the media engines' own code.
type engineMedia struct {
	store     storage.Backend
	maxPixels int64 // --max-input-pixels, as the tasks apply it
	concat    *concat.Engine
	sprite    *sprite.Engine
}

func (m engineMedia) Probe(ctx context.Context, bucket, key string) (*console.Source, error) {
	s, err := libav.Probe(ctx, m.store, bucket, key, m.maxPixels)
	if err != nil {
		return nil, err
	}
	out := &console.Source{Container: s.Container, Size: s.Size, DurationMs: s.Duration.Milliseconds(),
		Bitrate: s.Bitrate, Streams: s.Streams}
	if v := s.Video; v != nil {
		out.Video = &console.SourceVideo{Codec: v.Codec, PixFmt: v.PixFmt, Width: v.Width, Height: v.Height,
			DisplayWidth: v.DisplayWidth, DisplayHeight: v.DisplayHeight, Rotation: v.Rotation, FPS: v.FPS, Bitrate: v.Bitrate}
	}
	if a := s.Audio; a != nil {
		out.Audio = &console.SourceAudio{Codec: a.Codec, SampleRate: a.SampleRate, Channels: a.Channels,
			Layout: a.Layout, Bitrate: a.Bitrate}
	}
	return out, nil
}

func (m engineMedia) PlanConcat(ctx context.Context, bucket, object string, spec *parser.Concat) (*console.ConcatPlan, error) {
	p, err := m.concat.Plan(ctx, spec, engine.Task{Storage: m.store, Bucket: bucket, Object: object})
	if err != nil {
		return nil, err
	}
	out := &console.ConcatPlan{Format: p.Format, DurationMs: p.Duration.Milliseconds()}
	if v := p.Video; v != nil {
		out.Video = &console.PlannedVideo{Codec: v.Codec, Width: v.Width, Height: v.Height, FPS: v.FPS, PixFmt: v.PixFmt,
			Bitrate: v.Bitrate, CRF: v.CRF, HasCRF: v.HasCRF, GOP: v.GOP, ScaleType: v.ScaleType, From: v.From}
	}
	if a := p.Audio; a != nil {
		out.Audio = &console.PlannedAudio{Codec: a.Codec, SampleRate: a.SampleRate, Channels: a.Channels,
			Layout: a.Layout, Bitrate: a.Bitrate, From: a.From}
	}
	return out, nil
}

func (m engineMedia) PlanSprite(ctx context.Context, bucket, object string, spec *parser.Sprite) (*console.SpritePlan, error) {
	p, err := m.sprite.Plan(ctx, spec, engine.Task{Storage: m.store, Bucket: bucket, Object: object})
	if err != nil {
		return nil, err
	}
	out := &console.SpritePlan{Source: p.Source, Cell: p.Cell, Scaled: p.Scaled, Offset: p.Offset, Sheet: p.Sheet,
		DurationMs: p.Duration.Milliseconds(), TimesNote: p.Unplanned}
	if p.Times != nil {
		out.TimesMs = make([]int64, len(p.Times))
		for i, t := range p.Times {
			out.TimesMs[i] = t.Milliseconds()
		}
	}
	return out, nil
}

// mnsInspector reads the built-in MNS service's state from its broker, and
// the subscribers configured with --notify-endpoint from the notifier.
type mnsInspector struct {
	b *mns.Broker
	n *notifier.Notifier
}

// mnsListLimit bounds the queues and topics listed.
const mnsListLimit = 1000

func unixStamp(sec int64) string {
	if sec == 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func (m mnsInspector) Queues(ctx context.Context) ([]console.MNSQueue, error) {
	qs, _, err := m.b.ListQueues(ctx, "", "", mnsListLimit)
	if err != nil {
		return nil, err
	}
	out := make([]console.MNSQueue, 0, len(qs))
	for _, q := range qs {
		out = append(out, console.MNSQueue{Name: q.Name, Active: q.Active, Inactive: q.Inactive, Delayed: q.Delayed,
			Visibility: q.Visibility, Retention: q.Retention, Created: unixStamp(q.Created)})
	}
	return out, nil
}

func (m mnsInspector) Topics(ctx context.Context) ([]console.MNSTopic, error) {
	ts, _, err := m.b.ListTopics(ctx, "", "", mnsListLimit)
	if err != nil {
		return nil, err
	}
	out := make([]console.MNSTopic, 0, len(ts))
	for _, t := range ts {
		subs, _, err := m.b.ListSubscriptions(ctx, t.Name, "", "", mnsListLimit)
		if err != nil {
			return nil, err
		}
		ct := console.MNSTopic{Name: t.Name, Created: unixStamp(t.Created), Messages: t.Messages, Subscriptions: []console.MNSSubscription{}}
		for _, s := range subs {
			ct.Subscriptions = append(ct.Subscriptions, console.MNSSubscription{Name: s.Name, Endpoint: s.Endpoint,
				FilterTag: s.FilterTag, Format: string(s.Format), Strategy: s.Strategy})
		}
		out = append(out, ct)
	}
	// Subscribers from --notify-endpoint are configuration, not MNS state.
	for _, e := range m.n.Config().Endpoints {
		out = append(out, console.MNSTopic{Name: e.Topic, Configured: true, Subscriptions: []console.MNSSubscription{
			{Name: e.Name(), Endpoint: e.URL, Format: string(e.Format), Strategy: "configured (--notify-endpoint)"},
		}})
	}
	return out, nil
}

func (m mnsInspector) Peek(ctx context.Context, queueName string, limit int) ([]console.MNSMessage, error) {
	ms, err := m.b.ReceiveMessages(ctx, queueName, limit, 0, true)
	var e *mns.Error
	switch {
	case errors.As(err, &e) && e.Code == mns.CodeMessageNotExist:
		return nil, nil
	case errors.As(err, &e): // QueueNotExist and the like keep their code and status
		return nil, osserr.New(osserr.Code{Name: e.Code, Status: e.Status}, "%s", e.Message)
	case err != nil:
		return nil, err
	}
	out := make([]console.MNSMessage, 0, len(ms))
	for _, msg := range ms {
		out = append(out, console.MNSMessage{ID: msg.ID, Body: msg.Body, DequeueCount: msg.DequeueCount, Priority: msg.Priority,
			EnqueueTime: time.UnixMilli(msg.EnqueueTime).UTC().Format(time.RFC3339Nano)})
	}
	return out, nil
}
