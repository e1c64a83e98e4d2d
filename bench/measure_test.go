package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/<pid>/stat; it
// is 100 on every Linux architecture Go supports.
const clockTicks = 100

// measure is one run of one side.
type measure struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	rssKB  int64         // peak resident set
	engine time.Duration // the task's own StartTime→EndTime (emulator only)
	// threads is the CPU time of the process's busiest threads (emulator
	// only), largest first.
	threads []time.Duration
	load    string  // /proc/loadavg's three averages when the run began
	others  float64 // cores other users kept busy just before the run
}

// cores is the average number of cores the run kept busy.
func (m measure) cores() float64 { return m.cpu.Seconds() / m.wall.Seconds() }

func (m measure) String() string {
	return fmt.Sprintf("%6.2fs wall %6.2fs CPU (%.2f cores) %4d MB peak RSS [load %s, others %.2f cores]",
		m.wall.Seconds(), m.cpu.Seconds(), m.cores(), m.rssKB>>10, m.load, m.others)
}

// median of one field over the runs: the figure to compare with another
// side.
func median(ms []measure, field func(measure) float64) float64 {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = field(m)
	}
	return medianF(v)
}

// medianF is the median of v (the mean of the middle two for an even count).
func medianF(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func wallOf(m measure) float64 { return m.wall.Seconds() }
func cpuOf(m measure) float64  { return m.cpu.Seconds() }
func rssOf(m measure) float64  { return float64(m.rssKB >> 10) }

// runs is how many runs each side gets: OSSEMU_BENCH_RUNS, default 3.
func runs(b *testing.B) int {
	b.Helper()
	v := os.Getenv("OSSEMU_BENCH_RUNS")
	if v == "" {
		return 3
	}
	n, err := strconv.Atoi(v)
	require.NoError(b, err, "OSSEMU_BENCH_RUNS")
	require.Positive(b, n, "OSSEMU_BENCH_RUNS")
	return n
}

// procCPU is a live process's user+system CPU time so far.
func procCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	require.NoError(b, err)
	t, err := statCPU(raw)
	require.NoError(b, err)
	return t
}

// statCPU reads utime + stime from a /proc/<pid>/stat or
// /proc/<pid>/task/<tid>/stat line.
func statCPU(raw []byte) (time.Duration, error) {
	// The command name (field 2) may hold spaces; fields after it start
	// with the state (field 3), so utime and stime (14, 15) are [11], [12].
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line %q", raw)
	}
	utime, err := strconv.ParseInt(f[11], 10, 64)
	if err != nil {
		return 0, err
	}
	stime, err := strconv.ParseInt(f[12], 10, 64)
	if err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// procHWM is a live process's peak resident set (VmHWM) in KiB.
func procHWM(b *testing.B, pid int) int64 {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(b, err)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			require.NoError(b, err)
			return kb
		}
	}
	b.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// loadAvg is the 1, 5 and 15-minute load averages.
func loadAvg(b *testing.B) string {
	b.Helper()
	raw, err := os.ReadFile("/proc/loadavg")
	require.NoError(b, err)
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

// runCmd runs a command to completion and measures it from its rusage:
// wall, user+system CPU and ru_maxrss (KiB on Linux).
func runCmd(b *testing.B, name string, args ...string) measure {
	b.Helper()
	others := waitIdle(b)
	m := measure{load: loadAvg(b), others: others}
	cmd := exec.Command(name, args...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	m.wall = time.Since(start)
	require.NoError(b, err, "%s %s\n%s", name, strings.Join(args, " "), out)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	m.rssKB = ru.Maxrss
	return m
}

// alternately runs one round of both sides: ossemu first on even rounds,
// the reference first on odd ones, so neither always finds the page cache
// and CPU frequency the other left behind.
func alternately(round int, ours, ref func()) {
	if round%2 == 0 {
		ours()
		ref()
		return
	}
	ref()
	ours()
}

// record appends a finished run to a side's list and prints it at once,
// so a long benchmark shows its progress.
func record(list *[]measure, side string, m measure) {
	*list = append(*list, m)
	line := fmt.Sprintf("  %-8s run %d: %s", side, len(*list), m)
	if m.engine > 0 {
		line += fmt.Sprintf(" engine %.2fs, threads' CPU s: %s", m.engine.Seconds(), threadList(m.threads))
	}
	fmt.Println(line)
}

// compare prints the medians of two sides and reports the wall ratio
// ours/theirs (below 1: ossemu is faster) as a metric.
func compare(b *testing.B, title, ours, theirs string, a, c []measure) float64 {
	b.Helper()
	ratio := median(a, wallOf) / median(c, wallOf)
	fmt.Printf("%s: medians of %d alternating runs\n", title, len(a))
	fmt.Printf("  median %-8s %6.2fs wall %6.2fs CPU %4.0f MB\n", ours, median(a, wallOf), median(a, cpuOf), median(a, rssOf))
	fmt.Printf("  median %-8s %6.2fs wall %6.2fs CPU %4.0f MB\n", theirs, median(c, wallOf), median(c, cpuOf), median(c, rssOf))
	fmt.Printf("  wall ratio %s/%s %.3f, CPU ratio %.3f\n", ours, theirs, ratio, median(a, cpuOf)/median(c, cpuOf))
	b.ReportMetric(median(a, wallOf), ours+"-s")
	b.ReportMetric(median(c, wallOf), theirs+"-s")
	b.ReportMetric(median(a, rssOf), ours+"-MB")
	b.ReportMetric(median(c, rssOf), theirs+"-MB")
	b.ReportMetric(ratio, "wall-ratio")
	return ratio
}
