package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/queue"
	"github.com/ossemu/ossemu/storage/local"
)

// TestCrashRecovery submits 20 tasks to the real engines, kills the emulator
// with SIGKILL while some run, restarts it on the same data directory and
// checks that every task ends Succeeded once, with one complete output each.
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the real engines in a child process")
	}
	bin := buildEmulator(t)
	dir := filepath.Join(t.TempDir(), "data")
	a, b := makeClip(t, 2, "320x240"), makeClip(t, 2, "320x240")
	args := []string{"--workers", "2", "--video-preset", "ultrafast"}
	c := startChild(t, bin, dir, args...)
	c.upload(t, "a.mp4", a)
	c.upload(t, "b.mp4", b)

	want := map[string]string{} // task id → output key
	for i := range 20 {
		var id, key string
		if i%2 == 0 {
			key = fmt.Sprintf("out/concat-%02d.mp4", i)
			id = c.submit(t, "a.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/sur,o_"+b64("b.mp4")+"|sys/saveas,o_"+b64(key))
		} else {
			key = fmt.Sprintf("out/sprite-%02d.jpg", i)
			id = c.submit(t, "a.mp4", "video/sprite,f_jpg,inter_500|sys/saveas,o_"+b64(key))
		}
		want[id] = key
	}
	c.waitFor(t, "tasks running after some succeeded", func(all []childTask) bool {
		return count(all, "Succeeded") >= 2 && count(all, "Running") >= 1
	})
	c.kill(t)

	c = startChild(t, bin, dir, args...)
	all := c.waitFor(t, "every task to succeed", func(all []childTask) bool {
		return len(all) == 20 && count(all, "Succeeded") == 20
	})
	rerun := 0
	for _, task := range all {
		key, ok := want[task.TaskID]
		require.True(t, ok, task.TaskID)
		require.Len(t, task.Targets, 1)
		require.Equal(t, "oss://media/"+key, task.Targets[0].URI)
		if task.Attempts > 1 {
			rerun++
		}
	}
	require.Positive(t, rerun, "the kill interrupted at least one running task")

	// Exactly one output per task, each complete.
	var wantKeys []string
	for _, k := range want {
		wantKeys = append(wantKeys, k)
	}
	sort.Strings(wantKeys)
	require.Equal(t, wantKeys, c.listKeys(t, "out/"))
	for _, key := range wantKeys {
		p := c.probe(t, key)
		if filepath.Ext(key) == ".mp4" {
			codecs := map[string]string{}
			for _, s := range p.Streams {
				codecs[s.CodecType] = s.CodecName
			}
			require.Equal(t, map[string]string{"video": "h264", "audio": "aac"}, codecs, key)
			require.InDelta(t, 4.0, p.duration(t), 0.3, key)
		} else {
			require.Len(t, p.Streams, 1, key)
			require.Equal(t, "mjpeg", p.Streams[0].CodecName, key)
			require.Positive(t, p.Streams[0].Width, key)
		}
	}
	require.NoError(t, c.terminate(t))
	entries, err := os.ReadDir(filepath.Join(dir, "work"))
	require.NoError(t, err)
	require.Empty(t, entries, "no scratch files left behind")
}

// TestShutdownLeavesNothingHalfWritten stops the emulator with SIGTERM while
// a task runs: with no grace period the task is stopped, its output never
// appears and it stays queued; after a restart it runs again, and a second
// SIGTERM with a grace period lets it finish before the process exits.
func TestShutdownLeavesNothingHalfWritten(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the real engines in a child process")
	}
	bin := buildEmulator(t)
	dir := filepath.Join(t.TempDir(), "data")
	clip := makeClip(t, 5, "480x270")
	c := startChild(t, bin, dir, "--workers", "1", "--shutdown-grace", "0s")
	c.upload(t, "in.mp4", clip)
	id := c.submit(t, "in.mp4", "video/concat,f_mp4,vcodec_h264,acodec_aac/pre,o_"+b64("in.mp4")+"|sys/saveas,o_"+b64("out/joined.mp4"))
	c.waitFor(t, "the task to run", func(all []childTask) bool { return count(all, "Running") == 1 })
	require.NoError(t, c.terminate(t), "SIGTERM is a clean exit")

	task, store := inspect(t, dir, id)
	require.Equal(t, queue.Queued, task.State, "a stopped task waits for the next start")
	require.Equal(t, 0, task.Attempts, "being stopped is not a failed attempt")
	_, err := store.StatObject(context.Background(), "media", "out/joined.mp4")
	require.True(t, osserr.Is(err, osserr.NoSuchKey), "no partial output: %v", err)
	require.NoError(t, store.Close())

	c = startChild(t, bin, dir, "--workers", "1", "--shutdown-grace", "5m")
	c.waitFor(t, "the task to run again", func(all []childTask) bool {
		return count(all, "Running") == 1 || count(all, "Succeeded") == 1
	})
	require.NoError(t, c.terminate(t))

	task, store = inspect(t, dir, id)
	defer store.Close()
	require.Equal(t, queue.Succeeded, task.State, "the grace period let the running task finish")
	o, err := store.GetObject(context.Background(), "media", "out/joined.mp4")
	require.NoError(t, err)
	defer o.Close()
	p := filepath.Join(t.TempDir(), "joined.mp4")
	f, err := os.Create(p)
	require.NoError(t, err)
	_, err = io.Copy(f, o)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.InDelta(t, 10.0, ffprobeDuration(t, p), 0.3)
}

// inspect opens a stopped emulator's data directory directly.
func inspect(t *testing.T, dir, id string) (*queue.Task, *local.Backend) {
	t.Helper()
	ctx := context.Background()
	dbPath, _ := taskPaths(dir)
	q, err := queue.Open(ctx, dbPath)
	require.NoError(t, err)
	defer q.Close()
	task, err := q.Get(ctx, id)
	require.NoError(t, err)
	store, err := local.Open(ctx, local.Config{Dir: dir})
	require.NoError(t, err)
	return task, store
}
