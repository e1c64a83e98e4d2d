package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/local"
)

// logMark is how far a child's log has been read.
type logMark struct {
	path string
	off  int
}

// wait returns once a line containing s appears after the mark, and moves
// the mark past it.
func (m *logMark) wait(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(m.path)
		if i := strings.Index(string(data[min(m.off, len(data)):]), s); i >= 0 {
			m.off += i + len(s)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no %q in %s", s, m.path)
}

// tryListKeys lists the keys under prefix, or fails while the emulator is
// down.
func (c *child) tryListKeys(prefix string) ([]string, error) {
	res, err := c.client().ListObjectsV2(context.Background(), &oss.ListObjectsV2Request{Bucket: oss.Ptr("media"), Prefix: oss.Ptr(prefix), MaxKeys: 1000})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, o := range res.Contents {
		keys = append(keys, oss.ToString(o.Key))
	}
	return keys, nil
}

// countKeys counts a stopped emulator's objects under each prefix, reading
// its data directory directly.
func countKeys(t *testing.T, dir string, prefixes []string) map[string]int {
	t.Helper()
	store, err := local.Open(context.Background(), local.Config{Dir: dir})
	require.NoError(t, err)
	defer store.Close()
	out := map[string]int{}
	for _, p := range prefixes {
		page, err := store.ListObjects(context.Background(), "media", storage.ListOptions{Prefix: p, MaxKeys: 1000})
		require.NoError(t, err)
		out[p] = len(page.Objects)
	}
	return out
}

// TestKillDuringPublishNeverShowsPartialSets kills the emulator with SIGKILL
// while it publishes the many outputs of a task (sprite sheets, TS segments
// and their playlist), three times over, restarting it each time. Neither a
// client listing the bucket while the emulator runs nor a look at the data
// directory after each kill ever finds part of a task's outputs; after the
// last restart every task has succeeded with its whole set.
func TestKillDuringPublishNeverShowsPartialSets(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the real engines in a child process")
	}
	bin := buildEmulator(t)
	dir := filepath.Join(t.TempDir(), "data")
	clip := makeClip(t, 12, "160x120")
	args := []string{"--workers", "1", "--video-preset", "ultrafast"}
	c := startChild(t, bin, dir, args...)
	c.upload(t, "in.mp4", clip)

	// Four tasks, each with a set of outputs under its own prefix.
	type want struct {
		prefix string
		n      int
	}
	wants := map[string]want{}
	for i := range 4 {
		prefix := fmt.Sprintf("set%d/", i)
		var id string
		if i%2 == 0 {
			// 120 one-cell sheets: one every 0.1 s of 12 s.
			id = c.submit(t, "in.mp4", "video/sprite,f_jpg,sw_32,sh_32,inter_100,tw_1,th_1,pad_0,margin_0|sys/saveas,o_"+b64(prefix+"{index}.jpg"))
			wants[id] = want{prefix, 120}
		} else {
			// 24 half-second TS segments and their playlist.
			id = c.submit(t, "in.mp4", "video/concat,f_ts,vcodec_h264,acodec_aac/segment,f_ts,t_500|sys/saveas,o_"+b64(prefix+"seg-{index}.ts"))
			wants[id] = want{prefix, 25}
		}
	}
	var prefixes []string
	for _, w := range wants {
		prefixes = append(prefixes, w.prefix)
	}
	partial := func(counts map[string]int) string {
		for _, w := range wants {
			if n := counts[w.prefix]; n != 0 && n != w.n {
				return fmt.Sprintf("%s: %d of %d outputs", w.prefix, n, w.n)
			}
		}
		return ""
	}

	// A client lists the bucket throughout, across restarts.
	var (
		mu       sync.Mutex
		url      = c.URL
		seen     []string
		listings int
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			cl := &child{URL: url}
			mu.Unlock()
			counts := map[string]int{}
			ok := true
			for _, p := range prefixes {
				keys, err := cl.tryListKeys(p)
				if err != nil {
					ok = false // the emulator is down
					break
				}
				counts[p] = len(keys)
			}
			if ok {
				mu.Lock()
				listings++
				if s := partial(counts); s != "" {
					seen = append(seen, s)
				}
				mu.Unlock()
			}
		}
	})

	log := &logMark{path: dir + ".log"}
	for kill := range 3 {
		log.wait(t, "queue: publishing")
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
		c.kill(t)
		require.Empty(t, partial(countKeys(t, dir, prefixes)), "after kill %d", kill+1)
		c = startChild(t, bin, dir, args...)
		mu.Lock()
		url = c.URL
		mu.Unlock()
	}
	all := c.waitFor(t, "every task to succeed", func(all []childTask) bool { return count(all, "Succeeded") == len(wants) })
	close(stop)
	wg.Wait()
	require.Empty(t, seen, "a client saw a partial set")
	require.Positive(t, listings)
	for _, task := range all {
		w := wants[task.TaskID]
		require.Len(t, task.Targets, w.n, task.TaskID)
		require.Len(t, c.listKeys(t, w.prefix), w.n, w.prefix)
	}
	require.NoError(t, c.terminate(t))
	q, err := queue.Open(context.Background(), filepath.Join(dir, "tasks.db"))
	require.NoError(t, err)
	defer q.Close()
	for id := range wants {
		task, err := q.Get(context.Background(), id)
		require.NoError(t, err)
		t.Logf("%s: %d runs, %d forgiven", id, task.Attempts, task.Forgiven)
	}
	t.Logf("%d listings during the test", listings)
	entries, err := os.ReadDir(filepath.Join(dir, "work"))
	require.NoError(t, err)
	require.Empty(t, entries, "no scratch files left behind")
}
