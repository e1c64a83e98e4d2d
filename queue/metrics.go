package queue

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// collector reports task counts by state, read from the database at scrape
// time so the numbers are right across restarts and never drift from the
// truth the way in-memory counters would.
type collector struct {
	q     *Queue
	tasks *prometheus.Desc
}

// Collector returns a Prometheus collector exporting ossemu_tasks{state}
// (tasks per state) and ossemu_tasks_oldest_queued_seconds (age of the
// oldest queued task, 0 when none: a growing value means the workers are
// not keeping up). Register it on the server's registry.
func (q *Queue) Collector() prometheus.Collector {
	return &collector{q: q, tasks: prometheus.NewDesc("ossemu_tasks", "Tasks by state.", []string{"state"}, nil)}
}

var oldestDesc = prometheus.NewDesc("ossemu_tasks_oldest_queued_seconds",
	"Age of the oldest queued task in seconds; 0 when the queue is empty.", nil, nil)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.tasks
	ch <- oldestDesc
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := map[State]float64{Queued: 0, Running: 0, Succeeded: 0, Failed: 0}
	rows, err := c.q.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM tasks GROUP BY state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.tasks, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var st State
		var n float64
		if err := rows.Scan(&st, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(c.tasks, err)
			return
		}
		counts[st] = n
	}
	for st, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.tasks, prometheus.GaugeValue, n, string(st))
	}
	var oldest int64
	if err := c.q.r.QueryRowContext(ctx, `SELECT COALESCE(MIN(created_at), 0) FROM tasks WHERE state = 'queued'`).Scan(&oldest); err != nil {
		ch <- prometheus.NewInvalidMetric(oldestDesc, err)
		return
	}
	age := 0.0
	if oldest > 0 {
		age = max(0, c.q.now().Sub(fromMS(oldest)).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age)
}
