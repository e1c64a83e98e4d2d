package bench

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The benchmarks' own arithmetic and parsing, checked without running any
// (go test ./... runs these, not the benchmarks).

func TestMedianF(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{10, 10, 1}, 10},
	} {
		in := append([]float64(nil), tc.in...)
		require.InDelta(t, tc.want, medianF(in), 1e-12, "%v", tc.in)
		require.Equal(t, tc.in, in, "medianF must not reorder its argument")
	}
}

func TestStatCPU(t *testing.T) {
	t.Parallel()
	// A command name with spaces and a parenthesis, as a thread may have;
	// utime 250 and stime 50 ticks are fields 14 and 15.
	line := "4242 (x264 (pool) 1) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 123 456 789"
	got, err := statCPU([]byte(line))
	require.NoError(t, err)
	require.Equal(t, 3*time.Second, got)

	_, err = statCPU([]byte("4242 (short) S 1 2"))
	require.Error(t, err)
}

func TestWithThreads(t *testing.T) {
	t.Parallel()
	base := concatCLI("src.mp4", 30, "out.mp4")
	got := strings.Join(withThreads(base, 2, 2, 3, false), " ")
	require.Equal(t, 2, strings.Count(got, "-threads 2 -i src.mp4"), "a decoder budget before each input")
	require.Contains(t, got, "-filter_complex_threads 2 ")
	require.Contains(t, got, "-threads:v 3 -x264-params nal-hrd=cbr:sync-lookahead=0 ")

	same := withThreads(base, 0, 0, 0, true)
	require.Equal(t, base, same, "no budget leaves ffmpeg's defaults")
	require.Equal(t, "nal-hrd=cbr", base[slices.Index(base, "-x264-params")+1], "the base command is not modified")
}

func TestBusiestThreads(t *testing.T) {
	t.Parallel()
	before := map[int]time.Duration{1: time.Second, 2: 0}
	after := map[int]time.Duration{1: 5 * time.Second, 2: 2 * time.Second, 3: 10 * time.Millisecond, 4: 3 * time.Second}
	// Thread 3 used under 1% of the 9.01 s total and is left out.
	require.Equal(t, []time.Duration{4 * time.Second, 3 * time.Second, 2 * time.Second}, busiestThreads(before, after))
}
