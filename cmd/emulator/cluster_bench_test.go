package main

import (
	"bufio"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkClusterSprites measures throughput in tasks per minute for short
// sprite tasks on a cluster of real processes with 1, 2 and 3 worker nodes
// (one task at a time each, one codec thread) behind one api node, on
// PostgreSQL and versitygw: sprites of a 2 s 320x180 clip (one 2x2 sheet:
// the time is mostly the cluster's per-task work) and of a 10 s 640x360
// clip (ten tiles: decoding dominates). Eight clients submit through the
// api node while the workers run. b.N is the number of tasks; run it with
// a fixed count, as docs/cluster.md does:
//
//	go test ./cmd/emulator -run '^$' -bench ClusterSprites -benchtime 100x
func BenchmarkClusterSprites(b *testing.B) {
	clips := []struct {
		name, process string
		clip          func(b *testing.B) string
	}{
		{"2s-180p", "video/sprite,f_jpg,sw_64,sh_36,inter_500,tw_2,th_2", func(*testing.B) string {
			return filepath.Join("..", "..", "testdata", "videos", "video_only.mp4")
		}},
		{"10s-360p", "video/sprite,f_jpg,sw_128,sh_72,inter_1000,tw_5,th_2", func(b *testing.B) string { return makeClip(b, 10, "640x360") }},
	}
	for _, clip := range clips {
		for _, n := range []int{1, 2, 3} {
			b.Run(fmt.Sprintf("clip=%s/workers=%d", clip.name, n), func(b *testing.B) {
				benchmarkCluster(b, n, clip.clip(b), clip.process)
			})
		}
	}
}

func benchmarkCluster(b *testing.B, workers int, clip, process string) {
	var names []string
	for i := range workers {
		names = append(names, fmt.Sprintf("w%d", i+1))
	}
	c := startCluster(b, names)
	c.api.upload(b, "in.mp4", clip)
	sprite := func(i int) {
		c.api.submit(b, "in.mp4", process+"|sys/saveas,o_"+b64(fmt.Sprintf("bench/%d.jpg", i)))
	}
	sprite(-1) // warm up every process's first request before timing
	c.waitSucceeded(b, 1)
	b.ResetTimer()
	start := time.Now()
	next := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range next {
				sprite(i)
			}
		})
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	c.waitSucceeded(b, b.N+1)
	b.ReportMetric(float64(b.N)/time.Since(start).Minutes(), "tasks/min")
	b.StopTimer()
	for name, w := range c.workers {
		require.NoError(b, w.terminate(b), name)
	}
	require.NoError(b, c.api.terminate(b))
}

// waitSucceeded polls the api node's ossemu_tasks metric (the whole
// cluster's counts, read from the database) until n tasks have succeeded.
func (c *cluster) waitSucceeded(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		resp, err := http.Get(c.api.URL + "/_ossemu/metrics")
		require.NoError(t, err)
		got := -1
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), `ossemu_tasks{state="succeeded"} `); ok {
				got, err = strconv.Atoi(v)
				require.NoError(t, err)
			}
			if v, ok := strings.CutPrefix(sc.Text(), `ossemu_tasks{state="failed"} `); ok {
				require.Equal(t, "0", v, "a task failed")
			}
		}
		resp.Body.Close()
		if got >= n {
			return
		}
		require.True(t, time.Now().Before(deadline), "%d of %d tasks succeeded", got, n)
		time.Sleep(20 * time.Millisecond) // another process: nothing to wait on but the metric
	}
}
