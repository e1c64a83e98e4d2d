package queue

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/storage/local"
)

// These tests kill real processes: the test binary re-runs itself as a
// child (TestCrashChild) that opens the queue in a directory and runs a
// pool until every task is final, printing "claimed <process>" when a run
// starts. A "good" task works for a while and succeeds; a "poison" task
// kills its own process with SIGKILL, as a decoder crash or the OOM killer
// would.

const childEnv = "OSSEMU_QUEUE_CRASH_CHILD"

// TestCrashChild is the child process; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("runs only as the child of the crash tests")
	}
	settle, err := time.ParseDuration(os.Getenv(childEnv + "_SETTLE"))
	require.NoError(t, err)
	ctx := context.Background()
	q, err := Open(ctx, filepath.Join(dir, "tasks.db"))
	require.NoError(t, err)
	store, err := local.Open(ctx, local.Config{Dir: filepath.Join(dir, "objects")})
	require.NoError(t, err)
	if err := store.CreateBucket(ctx, "media"); err != nil {
		require.ErrorContains(t, err, "BucketAlreadyExists")
	}
	proc := procFunc(func(ctx context.Context, job *Job) (*Result, error) {
		fmt.Printf("claimed %s\n", job.Process)
		if job.Process == "poison" {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		select {
		case <-time.After(1500 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return writeOutput(job, "out-"+job.TaskID, "ok")
	})
	cfg := DefaultConfig()
	cfg.Workers, cfg.TaskThreads, cfg.MaxAttempts, cfg.Settle = 2, 1, 3, settle
	cfg.LeaseTimeout, cfg.PollInterval = 3*time.Second, 20*time.Millisecond
	cfg.WorkRoot, cfg.Storage = filepath.Join(dir, "work"), store
	cfg.Processors = Processors{actConcat: proc}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	pool, err := NewPool(q, cfg)
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pool.Run(runCtx) }()
	for {
		// One read of every task: two reads (queued, then running) could
		// both miss a task that went back from running to queued between
		// them, and the child would end with work left.
		ts, _, err := q.List(ctx, ListOptions{})
		require.NoError(t, err)
		live := 0
		for _, task := range ts {
			if !task.State.Final() {
				live++
			}
		}
		if live == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	require.NoError(t, <-done)
	require.NoError(t, store.Close())
	require.NoError(t, q.Close())
	fmt.Println("all final")
}

// crashChild is one child process.
type crashChild struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}
}

func startCrashChild(t *testing.T, dir string, settle time.Duration) *crashChild {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "child.log"))
			t.Logf("child log:\n%s", log)
		}
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+dir, childEnv+"_SETTLE="+settle.String())
	logf, err := os.OpenFile(filepath.Join(dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	t.Cleanup(func() { logf.Close() })
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &crashChild{cmd: cmd, lines: make(chan string, 100), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
		cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-c.done
	})
	return c
}

// waitLine waits up to limit for a line starting with prefix and reports
// whether it came (false too when the child exits first).
func (c *crashChild) waitLine(t *testing.T, prefix string, limit time.Duration) bool {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case l := <-c.lines:
			if strings.HasPrefix(l, prefix) {
				return true
			}
		case <-c.done:
			return false
		case <-timeout:
			return false
		}
	}
}

func (c *crashChild) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// exited waits for the child to end by itself and reports whether it
// finished its tasks (false: it was killed, by a poison task).
func (c *crashChild) exited(t *testing.T) bool {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the child did not exit")
	}
	return c.cmd.ProcessState.Success()
}

func enqueueIn(t *testing.T, dir string, processes ...string) []string {
	t.Helper()
	q, err := Open(context.Background(), filepath.Join(dir, "tasks.db"))
	require.NoError(t, err)
	defer q.Close()
	var ids []string
	for _, p := range processes {
		task, err := q.Enqueue(context.Background(), NewTask{Action: actConcat, Bucket: "media", Object: "src.mp4", Process: p})
		require.NoError(t, err)
		ids = append(ids, task.ID)
	}
	return ids
}

func taskIn(t *testing.T, dir, id string) *Task {
	t.Helper()
	q, err := Open(context.Background(), filepath.Join(dir, "tasks.db"))
	require.NoError(t, err)
	defer q.Close()
	task, err := q.Get(context.Background(), id)
	require.NoError(t, err)
	return task
}

// TestRestartsDoNotFailAGoodTask: the process dies five times in a row
// within a second of starting (a crash-looping container): 0.2 s into the
// good task's run when it runs, else at 0.9 s. The task then succeeds,
// having been charged for at most its last run. With Settle 0 the suspect
// runs at once after each restart, so the same restarts kill it while it
// runs alone in a "settled" process, and it fails: the rule is what keeps
// the task alive, not the schedule.
func TestRestartsDoNotFailAGoodTask(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills child processes")
	}
	for _, tc := range []struct {
		name   string
		settle time.Duration
		want   State
	}{
		{"settle 2s", 2 * time.Second, Succeeded},
		{"settle 0 charges every kill", 0, Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			id := enqueueIn(t, dir, "good")[0]
			c := startCrashChild(t, dir, tc.settle)
			require.True(t, c.waitLine(t, "claimed good", 2*time.Minute))
			time.Sleep(200 * time.Millisecond)
			c.kill()
			ran := 0
			for range 4 {
				c = startCrashChild(t, dir, tc.settle)
				if c.waitLine(t, "claimed good", 900*time.Millisecond) {
					ran++
					time.Sleep(200 * time.Millisecond)
				}
				c.kill()
			}
			c = startCrashChild(t, dir, tc.settle)
			require.True(t, c.exited(t))
			task := taskIn(t, dir, id)
			require.Equal(t, tc.want, task.State, "%s: %s", task.Code, task.Message)
			if tc.want == Succeeded {
				require.Zero(t, ran, "the suspect never ran within a second of a start")
				require.Equal(t, 1, task.Attempts-task.Forgiven, "only the last run counts")
				require.Equal(t, 1, task.Forgiven, "the kill 0.2 s into the first run was forgiven")
			} else {
				require.Equal(t, 3, ran, "killed in three runs, then failed at the next start")
				require.Contains(t, task.Message, "interrupted 3 times")
			}
		})
	}
}

// TestPoisonTaskIsStopped: a task that kills the process every time it runs
// is failed with a clear message after MaxAttempts (3) blamed runs, without
// more process deaths than that plus the first, unblamed one; the good task
// queued behind it succeeds.
func TestPoisonTaskIsStopped(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	ids := enqueueIn(t, dir, "poison", "good")
	deaths := 0
	for !startCrashChild(t, dir, 300*time.Millisecond).exited(t) {
		deaths++
		require.LessOrEqual(t, deaths, 4, "the poison task should have been stopped by now")
	}
	poison, good := taskIn(t, dir, ids[0]), taskIn(t, dir, ids[1])
	require.Equal(t, Failed, poison.State)
	require.Equal(t, "InternalError", poison.Code)
	require.Contains(t, poison.Message, "interrupted 3 times")
	require.Contains(t, poison.Message, "likely kills the process")
	require.Equal(t, Succeeded, good.State, "%s: %s", good.Code, good.Message)
	require.Equal(t, 4, deaths, "one forgiven death, then one per blamed run")
	require.Equal(t, 3, poison.Attempts-poison.Forgiven)
}
