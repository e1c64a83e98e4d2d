package bench

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// threadCPU is the CPU time so far of each thread of a live process, by
// thread id.
func threadCPU(b *testing.B, pid int) map[int]time.Duration {
	b.Helper()
	out, err := readThreads(pid)
	require.NoError(b, err)
	return out
}

func readThreads(pid int) (map[int]time.Duration, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[int]time.Duration, len(ents))
	for _, e := range ents {
		var tid int
		if _, err := fmt.Sscan(e.Name(), &tid); err != nil {
			continue
		}
		if raw, err := os.ReadFile(filepath.Join(dir, e.Name(), "stat")); err == nil {
			if t, err := statCPU(raw); err == nil {
				out[tid] = t
			}
		}
	}
	return out, nil
}

// threadSampler snapshots a process's threads every 250 ms until stopped,
// keeping each thread's latest figure, so threads that exit during the run
// (a clip's decoder threads) still count.
func threadSampler(b *testing.B, pid int) (stop func() map[int]time.Duration) {
	b.Helper()
	seen := threadCPU(b, pid)
	done, out := make(chan struct{}), make(chan map[int]time.Duration)
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
			case <-done:
				out <- seen
				return
			}
			if now, err := readThreads(pid); err == nil {
				maps.Copy(seen, now)
			}
		}
	}()
	return func() map[int]time.Duration {
		close(done)
		last := <-out
		if now, err := readThreads(pid); err == nil {
			maps.Copy(last, now)
		}
		return last
	}
}

// busiestThreads is the CPU each thread used between two snapshots,
// largest first, leaving out threads that used less than 1% of the total:
// one thread near the wall time is a serial stage the rest waits for.
func busiestThreads(before, after map[int]time.Duration) []time.Duration {
	var d []time.Duration
	var total time.Duration
	for tid, t := range after {
		d = append(d, t-before[tid])
		total += t - before[tid]
	}
	slices.SortFunc(d, func(a, b time.Duration) int { return int(b - a) })
	for i, v := range d {
		if v < total/100 {
			return d[:i]
		}
	}
	return d
}

func threadList(ts []time.Duration) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = fmt.Sprintf("%.1f", t.Seconds())
	}
	return strings.Join(s, " ")
}

// startPerf records the process with `perf record -g` into
// $OSSEMU_BENCH_PERF/<name>.data when that variable names a directory
// (to see where the emulator's time goes); OSSEMU_BENCH_PERF_ARGS replaces
// "record -F 499 -g" (e.g. "stat -e context-switches,cpu-migrations").
// stop ends the recording. Without OSSEMU_BENCH_PERF it does nothing.
func startPerf(b *testing.B, pid int, name string) (stop func()) {
	b.Helper()
	dir := os.Getenv("OSSEMU_BENCH_PERF")
	if dir == "" {
		return func() {}
	}
	require.NoError(b, os.MkdirAll(dir, 0o755))
	out := filepath.Join(dir, name+".data")
	args := strings.Fields(os.Getenv("OSSEMU_BENCH_PERF_ARGS"))
	if len(args) == 0 {
		args = []string{"record", "-F", "499", "-g"}
	}
	cmd := exec.Command("perf", append(args, "-p", fmt.Sprint(pid), "-o", out)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(b, cmd.Start(), "perf record")
	time.Sleep(200 * time.Millisecond) // perf attaches asynchronously; no signal says when
	return func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		fmt.Printf("  perf data: %s\n", out)
	}
}
