package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCluster runs 1 api node and 3 worker nodes as real processes on one
// PostgreSQL queue and one S3 store, and submits 60 tasks through the OSS
// SDK: 2 long concats (the victims, 30 s of 720p each) and 58 short
// sprites and concats of the small clips in testdata/videos. While the victims run, one worker is
// killed with SIGKILL in the middle of its victim and another is stopped
// with SIGTERM (no grace period) in the middle of its own; a fourth worker
// joins. Every task must succeed exactly once: each output complete and
// written once to the store, each notification delivered once, the killed
// node's task finished by another node after its lease ran out, and the
// stopped node's task handed back at once (a run, not an attempt).
func TestCluster(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs five emulator processes and the real engines")
	}
	start := time.Now()
	c := startCluster(t, []string{"w1", "w2", "w3"}, "--shutdown-grace", "0s")
	videos := filepath.Join("..", "..", "testdata", "videos")
	for _, clip := range []string{"video_only.mp4", "odd.mp4", "portrait.mp4", "vfr.mp4"} {
		c.api.upload(t, clip, filepath.Join(videos, clip))
	}
	// The victims must run long enough to be caught running (progress is
	// recorded each second): 30 s of 720p, three times this clip.
	c.api.upload(t, "long.mp4", makeClip(t, 10, "1280x720"))

	// want maps each task to its output key; duration to a concat's
	// expected length in seconds (sprites: 0).
	want, duration := map[string]string{}, map[string]float64{}
	submit := func(key, src, process string, seconds float64) string {
		id := c.api.submit(t, src, process+"|sys/saveas,o_"+b64(key)+"/notify,topic_"+b64("done"))
		want[id], duration[id] = key, seconds
		return id
	}
	concat := "video/concat,f_mp4,vcodec_h264,acodec_aac"
	long := concat + "/sur,o_" + b64("long.mp4") + "/sur,o_" + b64("long.mp4")
	victims := []string{
		submit("out/long-0.mp4", "long.mp4", long, 30),
		submit("out/long-1.mp4", "long.mp4", long, 30),
	}
	for i := range 58 {
		if i%3 == 2 {
			submit(fmt.Sprintf("out/concat-%02d.mp4", i), "odd.mp4", concat+"/sur,o_"+b64("vfr.mp4"), 5)
			continue
		}
		src := []string{"video_only.mp4", "portrait.mp4"}[i%2]
		submit(fmt.Sprintf("out/sprite-%02d.jpg", i), src, "video/sprite,f_jpg,sw_64,sh_36,inter_500,tw_2,th_2", 0)
	}
	require.Len(t, want, 60)

	// Interrupt each victim on its node while it is encoding (progress is
	// recorded, and far from the end, so its outputs are not being
	// published yet): SIGKILL the first one's node, SIGTERM the second's.
	interrupted := map[string]string{} // victim → the node interrupted
	c.api.waitFor(t, "both victims to be interrupted", func(all []childTask) bool {
		for _, task := range all {
			i := indexOf(victims, task.TaskID)
			if i < 0 || interrupted[task.TaskID] != "" || task.Status != "Running" || task.Progress < 1 || task.Progress > 70 {
				continue
			}
			runs := c.get(t, task.TaskID).Runs
			require.NotEmpty(t, runs)
			node := runs[len(runs)-1].Node
			w := c.workers[node]
			require.NotNil(t, w, "%s runs on %q, not a worker", task.TaskID, node)
			if i == 0 {
				w.kill(t)
			} else {
				require.NoError(t, w.terminate(t), "a SIGTERM'd worker exits cleanly")
			}
			interrupted[task.TaskID] = node
			delete(c.workers, node)
			t.Logf("%s %s (progress %d%%) on %s after %s", map[int]string{0: "SIGKILL", 1: "SIGTERM"}[i],
				task.TaskID, task.Progress, node, time.Since(start).Round(time.Second))
		}
		for _, v := range victims {
			require.NotEqual(t, "Succeeded", statusOf(all, v), "%s succeeded before it could be interrupted", v)
		}
		return len(interrupted) == len(victims)
	})
	c.startWorker(t, "w4", "--shutdown-grace", "0s") // a node joins

	c.api.waitFor(t, "every task to succeed", func(all []childTask) bool {
		return len(all) == 60 && count(all, "Succeeded") == 60
	})
	t.Logf("60 tasks done after %s", time.Since(start).Round(time.Second))

	// Which node ran which attempt.
	killed := c.get(t, victims[0])
	require.Equal(t, 2, killed.Attempts, "the killed run counts as an attempt")
	require.Len(t, killed.Runs, 2)
	require.Equal(t, interrupted[victims[0]], killed.Runs[0].Node)
	require.NotEqual(t, interrupted[victims[0]], killed.Runs[1].Node, "another node finished the killed node's task")
	stopped := c.get(t, victims[1])
	require.Equal(t, 1, stopped.Attempts, "a run stopped by shutdown is not an attempt")
	require.Len(t, stopped.Runs, 2)
	require.Equal(t, interrupted[victims[1]], stopped.Runs[0].Node)
	require.NotEqual(t, interrupted[victims[1]], stopped.Runs[1].Node)
	require.Equal(t, []int{1, 1}, []int{stopped.Runs[0].Attempt, stopped.Runs[1].Attempt})

	perNode := map[string]int{}
	for id, key := range want {
		task := c.get(t, id)
		require.Len(t, task.Targets, 1, id)
		require.Equal(t, "oss://media/"+key, task.Targets[0].URI)
		perNode[task.Runs[len(task.Runs)-1].Node]++
		if indexOf(victims, id) < 0 {
			require.Len(t, task.Runs, 1, "%s ran once", id)
		}
	}
	t.Logf("tasks finished per node: %v", perNode)
	require.NotContains(t, perNode, "api", "the api node never runs media")

	// Each output once in the store, written once, complete.
	var keys []string
	for _, k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	require.Equal(t, keys, c.api.listKeys(t, "out/"))
	writes := c.writes.snapshot()
	for _, key := range keys {
		require.Equal(t, 1, writes["/"+s3Prefix+"media/"+key], "%s written once", key)
		p := c.api.probe(t, key)
		if strings.HasSuffix(key, ".jpg") {
			require.Len(t, p.Streams, 1, key)
			require.Equal(t, "mjpeg", p.Streams[0].CodecName, key)
			// 4 frames at 500 ms of a 2 s clip: one 2x2 sheet of 64x36 tiles.
			require.Equal(t, 2*64+2*2+2, p.Streams[0].Width, key)
			continue
		}
		codecs := map[string]string{}
		for _, s := range p.Streams {
			codecs[s.CodecType] = s.CodecName
		}
		require.Equal(t, map[string]string{"video": "h264", "audio": "aac"}, codecs, key)
	}
	for id, key := range want {
		if d := duration[id]; d > 0 {
			require.InDelta(t, d, c.api.probe(t, key).duration(t), 0.3, key)
		}
	}

	// Each notification delivered, none twice.
	notes := c.notes.snapshot()
	for id := range want {
		require.Equal(t, 1, notes[id], "notifications of %s", id)
	}
	require.Len(t, notes, len(want))

	for name, w := range c.workers {
		require.NoError(t, w.terminate(t), name)
	}
	require.NoError(t, c.api.terminate(t))
	t.Logf("whole test: %s", time.Since(start).Round(time.Second))
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func statusOf(all []childTask, id string) string {
	for _, task := range all {
		if task.TaskID == id {
			return task.Status
		}
	}
	return ""
}
