package queue

import (
	"context"
	"testing"
	"time"
)

// BenchmarkEnqueue measures durable submissions per second with 64
// concurrent submitters (group commit) against the reference measured in the
// same run: one submitter, so every task pays its own fsync'ed commit. It
// runs on each store (docs/cluster.md has the figures).
func BenchmarkEnqueue(b *testing.B) {
	for _, st := range testStores() {
		b.Run(st.name, func(b *testing.B) { benchmarkEnqueue(b, st.open(b, st.create(b))) })
	}
}

func benchmarkEnqueue(b *testing.B, q *Queue) {
	ctx := context.Background()
	nt := NewTask{RequestID: "R", Action: actSprite, Bucket: "b", Object: "in.mp4", Process: "video/sprite,f_jpg|sys/saveas,o_b3V0LmpwZw"}
	n := max(b.N, 200)
	start := time.Now()
	for range n / 4 {
		if _, err := q.Enqueue(ctx, nt); err != nil {
			b.Fatal(err)
		}
	}
	serial := float64(n/4) / time.Since(start).Seconds()
	b.ResetTimer()
	b.SetParallelism(32) // × GOMAXPROCS submitters
	start = time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := q.Enqueue(ctx, nt); err != nil {
				b.Error(err)
				return
			}
		}
	})
	grouped := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(grouped, "enqueues/s")
	b.ReportMetric(serial, "serial-enqueues/s")
	b.ReportMetric(grouped/serial, "group/serial")
}
