package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// busyCores is how many cores the whole machine kept busy over window, from
// /proc/stat: a better picture of other users than the load average, which
// trails by minutes and still counts this benchmark's previous run.
func busyCores(b *testing.B, window time.Duration) float64 {
	b.Helper()
	busy0, total0 := cpuTicks(b)
	time.Sleep(window) // a sampling interval, not a wait for an event
	busy1, total1 := cpuTicks(b)
	if total1 == total0 {
		return 0
	}
	return float64(busy1-busy0) / float64(total1-total0) * float64(cpuCount(b))
}

// cpuTicks sums the first /proc/stat line: all ticks, and the busy ones
// (everything but idle and iowait).
func cpuTicks(b *testing.B) (busy, total int64) {
	b.Helper()
	raw, err := os.ReadFile("/proc/stat")
	require.NoError(b, err)
	line, _, _ := strings.Cut(string(raw), "\n")
	for i, f := range strings.Fields(line)[1:] {
		v, err := strconv.ParseInt(f, 10, 64)
		require.NoError(b, err)
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}

func cpuCount(b *testing.B) int {
	b.Helper()
	raw, err := os.ReadFile("/proc/stat")
	require.NoError(b, err)
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "cpu") && !strings.HasPrefix(line, "cpu ") {
			n++
		}
	}
	return max(n, 1)
}

// waitIdle holds a run back, when OSSEMU_BENCH_IDLE is set (the most
// cores other users may keep busy, e.g. 0.3), until the machine is that
// quiet over 3 s, for at most OSSEMU_BENCH_IDLE_WAIT (default 15m). It
// returns what it last measured, to be printed with the run.
func waitIdle(b *testing.B) float64 {
	b.Helper()
	limit, err := strconv.ParseFloat(os.Getenv("OSSEMU_BENCH_IDLE"), 64)
	if err != nil {
		return busyCores(b, time.Second)
	}
	maxWait := 15 * time.Minute
	if v := os.Getenv("OSSEMU_BENCH_IDLE_WAIT"); v != "" {
		maxWait, err = time.ParseDuration(v)
		require.NoError(b, err, "OSSEMU_BENCH_IDLE_WAIT")
	}
	deadline := time.Now().Add(maxWait)
	for {
		busy := busyCores(b, 3*time.Second)
		if busy <= limit || time.Now().After(deadline) {
			return busy
		}
		fmt.Printf("  (waiting: other users keep %.2f cores busy)\n", busy)
	}
}
