package queue

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
)

func testCollectorCountsStates(t *testing.T, st testStore) {
	e := newEnvOn(t, st, nil, nil)
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(e.q.Collector()))
	orphan(t, e.q, 1<<40) // one running
	e.submit(t, "concat")
	e.submit(t, "sprite")
	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	oldest := -1.0
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch f.GetName() {
			case "ossemu_tasks":
				got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
			case "ossemu_tasks_oldest_queued_seconds":
				oldest = m.GetGauge().GetValue()
			}
		}
	}
	require.Equal(t, map[string]float64{"queued": 2, "running": 1, "succeeded": 0, "failed": 0}, got)
	require.GreaterOrEqual(t, oldest, 0.0)
	require.Less(t, oldest, 60.0)
}
