package notifier

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts delivery outcomes; registered on the emulator's own
// registry (never the global one) so tests can build many notifiers.
type metrics struct {
	published *prometheus.CounterVec // by source: task, publish
	attempts  *prometheus.CounterVec // by kind (http, queue) and result (delivered, retrying, dead)
}

func newMetrics() *metrics {
	return &metrics{
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossemu_notify_messages_total",
			Help: "Messages recorded in the notification outbox, by source (task or MNS publish).",
		}, []string{"source"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ossemu_notify_delivery_attempts_total",
			Help: "Delivery attempts by endpoint kind (http, queue) and outcome (delivered, retrying, dead).",
		}, []string{"kind", "result"}),
	}
}

// Register adds the notifier's metrics, and a gauge of deliveries not yet
// ended, to reg.
func (n *Notifier) Register(reg prometheus.Registerer) error {
	backlog := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ossemu_notify_backlog",
		Help: "Deliveries pending or retrying.",
	}, func() float64 {
		var k int64
		_ = n.db.QueryRowContext(context.Background(),
			`SELECT COUNT(*) FROM notify_deliveries WHERE state IN ('pending', 'retrying')`).Scan(&k)
		return float64(k)
	})
	for _, c := range []prometheus.Collector{n.metrics.published, n.metrics.attempts, backlog} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
