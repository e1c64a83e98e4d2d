package queue

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/sqldb"
	"github.com/ossemu/ossemu/osserr"
)

// Conformance cases about runs, wake-ups and several nodes sharing a store.

// Each run is recorded with its node and attempt; a retried task lists
// both runs.
func testRunsRecordNodes(t *testing.T, st testStore) {
	var runs counter
	e := envOn(t, st.open(t, st.create(t), WithNode("node-a")), Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
		runs.add(job.TaskID)
		if runs.get(job.TaskID) == 1 {
			return nil, osserr.Transient(fmt.Errorf("storage hiccup"))
		}
		return writeOutput(job, "out.mp4", "ok")
	})}, nil)
	require.Equal(t, "node-a", e.q.Node())
	e.start(t)
	id := e.submit(t, "concat").ID
	require.Equal(t, Succeeded, e.wait(t).State)
	got := e.get(t, id)
	require.Len(t, got.Runs, 2)
	for i, r := range got.Runs {
		require.Equal(t, i+1, r.Attempt)
		require.Equal(t, "node-a", r.Node)
		require.False(t, r.StartedAt.Before(got.StartedAt), "run %d", i+1)
	}
	require.False(t, got.Runs[1].StartedAt.Before(got.Runs[0].StartedAt))
	page, _, err := e.q.List(context.Background(), ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page[0].Runs, "List leaves runs out")
}

// An idle pool whose poll interval is an hour runs a new task at once: the
// submission wakes it (on a shared store the submission is another node's,
// and the wake-up travels through LISTEN/NOTIFY).
func testSubmissionWakesIdlePool(t *testing.T, st testStore) {
	loc := st.create(t)
	e := envOn(t, st.open(t, loc), Processors{actConcat: procFunc(succeed)}, func(c *Config) {
		c.PollInterval, c.LeaseTimeout = time.Hour, time.Hour
	})
	woken := make(chan struct{}, 10)
	if e.q.Shared() {
		sqldb.OnNotify(e.q.w, sqldb.TopicTasks, func() { woken <- struct{}{} })
		<-woken // the LISTEN connection is up (connecting counts as a wake-up)
	}
	p, err := NewPool(e.q, e.cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	<-p.Ready()
	submitter := e.q
	if st.name != "sqlite" {
		submitter = st.open(t, loc)
	}
	task, err := submitter.Enqueue(context.Background(), NewTask{Action: actConcat, Bucket: "b", Object: "src.mp4", Process: "concat"})
	require.NoError(t, err)
	if e.q.Shared() {
		select {
		case <-woken:
		case <-time.After(20 * time.Second):
			t.Fatal("the submission did not wake the other node")
		}
	}
	fin := e.wait(t)
	require.Equal(t, task.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State)
}

// Three nodes with two workers each share one store: every task runs
// exactly once, on the node its run record names, and all three nodes
// work (the first six runs wait until six are running at once, which
// takes every node's two workers).
func testNodesClaimEachTaskOnce(t *testing.T, st testStore) {
	requireShared(t, st)
	loc := st.create(t)
	const tasks, nodes, workers = 60, 3, 2
	var (
		runs    counter
		mu      sync.Mutex
		ranOn   = map[string]string{}
		started = make(chan struct{}, tasks)
		allBusy = make(chan struct{})
	)
	go func() {
		for range nodes * workers {
			<-started
		}
		close(allBusy)
	}()
	finished := make(chan *Task, tasks)
	var envs []*env
	for i := range nodes {
		node := fmt.Sprintf("node-%d", i)
		e := envOn(t, st.open(t, loc, WithNode(node)), Processors{actConcat: procFunc(func(_ context.Context, job *Job) (*Result, error) {
			runs.add(job.TaskID)
			mu.Lock()
			ranOn[job.TaskID] = node
			mu.Unlock()
			started <- struct{}{}
			<-allBusy
			return writeOutput(job, "out/"+job.TaskID, node)
		})}, func(c *Config) {
			c.Workers = workers
			c.Finished = func(t *Task) { finished <- t }
		})
		envs = append(envs, e)
		e.start(t)
	}
	ids := map[string]bool{}
	for i := range tasks {
		ids[envs[i%nodes].submit(t, "concat").ID] = true
	}
	perNode := map[string]int{}
	for range tasks {
		var fin *Task
		select {
		case fin = <-finished:
		case <-time.After(time.Minute):
			t.Fatal("the tasks did not all finish")
		}
		require.True(t, ids[fin.ID])
		require.Equal(t, Succeeded, fin.State)
		got := envs[0].get(t, fin.ID)
		require.Len(t, got.Runs, 1, fin.ID)
		mu.Lock()
		require.Equal(t, ranOn[fin.ID], got.Runs[0].Node)
		mu.Unlock()
		perNode[got.Runs[0].Node]++
	}
	for id := range ids {
		require.Equal(t, 1, runs.get(id), "%s ran once", id)
	}
	require.Len(t, perNode, nodes, "every node ran tasks: %v", perNode)
	select {
	case fin := <-finished:
		t.Fatalf("%s finished twice", fin.ID)
	default:
	}
}

// A node dies while running a task (its lease is never renewed): when the
// lease expires another node's pool takes the task and runs it, and the
// task's runs name both nodes.
func testDeadNodesTaskRunsElsewhere(t *testing.T, st testStore) {
	requireShared(t, st)
	loc := st.create(t)
	dead := st.open(t, loc, WithNode("dead-node"))
	e := envOn(t, st.open(t, loc, WithNode("live-node")), Processors{actConcat: procFunc(succeed)}, func(c *Config) {
		c.LeaseTimeout = 300 * time.Millisecond
	})
	stale := orphan(t, dead, 100*time.Millisecond) // before the live node starts, or it takes the task first
	e.start(t)
	fin := e.wait(t)
	require.Equal(t, stale.ID, fin.ID)
	require.Equal(t, Succeeded, fin.State)
	got := e.get(t, stale.ID)
	require.Equal(t, 2, got.Attempts)
	require.Equal(t, []string{"dead-node", "live-node"}, []string{got.Runs[0].Node, got.Runs[1].Node})
	require.Equal(t, []int{1, 2}, []int{got.Runs[0].Attempt, got.Runs[1].Attempt})
}

// A node starting up leaves another node's running task alone while its
// lease is live (on SQLite, by contrast, every running task at start is the
// previous process's: TestStartRequeuesOrphans).
func testLiveLeaseSurvivesNodeStart(t *testing.T, st testStore) {
	requireShared(t, st)
	loc := st.create(t)
	busy := st.open(t, loc, WithNode("busy-node"))
	running := orphan(t, busy, time.Hour)
	e := envOn(t, st.open(t, loc), Processors{actConcat: procFunc(succeed)}, nil)
	e.start(t)
	later := e.submit(t, "concat").ID
	require.Equal(t, later, e.wait(t).ID, "the new node works")
	got := e.get(t, running.ID)
	require.Equal(t, Running, got.State)
	require.Equal(t, 1, got.Attempts)
	require.Len(t, got.Runs, 1)
	require.Equal(t, "busy-node", got.Runs[0].Node)
}
