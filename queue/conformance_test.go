package queue

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/internal/pgtest"
)

// The queue's conformance suite: every case runs on every store, the way
// storage/storagetest runs on every storage backend. SQLite-only behaviour
// (the data directory's lock, migrating old files, recovering every running
// task at start) is tested on its own in store_test.go, migrate_test.go and
// lifecycle_test.go; the cases that need several nodes on one store are in
// nodes_test.go and skip SQLite, which one process owns.

// testStore is one kind of store the suite runs on.
type testStore struct {
	name string
	// create makes a fresh, empty store and returns where it is (a file
	// path or a URL).
	create func(t testing.TB) string
	// open opens a queue on the store at loc (on a shared store each open
	// is one more node); it is closed when the test ends.
	open func(t testing.TB, loc string, opts ...Option) *Queue
}

func sqliteStore() testStore {
	return testStore{
		name:   "sqlite",
		create: func(t testing.TB) string { return filepath.Join(t.TempDir(), "queue.db") },
		open: func(t testing.TB, path string, opts ...Option) *Queue {
			t.Helper()
			q, err := Open(context.Background(), path, opts...)
			require.NoError(t, err)
			t.Cleanup(func() { q.Close() })
			return q
		},
	}
}

func postgresStore() testStore {
	return testStore{
		name:   "postgres",
		create: func(t testing.TB) string { return pgtest.URL(t) },
		open: func(t testing.TB, url string, opts ...Option) *Queue {
			t.Helper()
			q, err := OpenURL(context.Background(), url, append([]Option{WithMaxConns(4)}, opts...)...)
			require.NoError(t, err)
			t.Cleanup(func() { q.Close() })
			return q
		},
	}
}

func testStores() []testStore { return []testStore{sqliteStore(), postgresStore()} }

// conformanceCase is one case of the suite.
type conformanceCase struct {
	name string
	run  func(t *testing.T, st testStore)
}

func conformanceCases() []conformanceCase {
	return []conformanceCase{
		// Submission and reads (store_test.go).
		{"EnqueueGetList", testEnqueueGetList},
		{"EnqueueConcurrentGroupCommit", testEnqueueConcurrentGroupCommit},
		{"EnqueueDuplicateIDFailsAlone", testEnqueueDuplicateIDFailsAlone},
		{"EnqueueRequiresAction", testEnqueueRequiresAction},
		// Runs and their outcomes (pool_test.go).
		{"RunOutcomes", testRunOutcomes},
		{"DispatchByAction", testDispatchByAction},
		{"UnknownActionFails", testUnknownActionFails},
		{"TransientRetrySucceedsWithBackoff", testTransientRetrySucceedsWithBackoff},
		{"PublishFailureRetriesAndOverwrites", testPublishFailureRetriesAndOverwrites},
		// Outputs as one set (publish_test.go).
		{"FailedPublicationLeavesNothing", testFailedPublicationLeavesNothing},
		{"InterruptedPublicationRollsForward", testInterruptedPublicationRollsForward},
		{"RefusedRollForwardLeavesNothing", testRefusedRollForwardLeavesNothing},
		{"LostJournalFilesRunTheTaskAgain", testLostJournalFilesRunTheTaskAgain},
		// Finishing, leases, crashes and shutdown (lifecycle_test.go).
		{"FinishHookCommitsWithState", testFinishHookCommitsWithState},
		{"PanicKeepsWorkerAlive", testPanicKeepsWorkerAlive},
		{"ExpiredLeaseIsReaped", testExpiredLeaseIsReaped},
		{"CrashLoopGivesUp", testCrashLoopGivesUp},
		{"ProgressIsRecordedWhileRunning", testProgressIsRecordedWhileRunning},
		{"ShutdownRequeuesRunningTask", testShutdownRequeuesRunningTask},
		{"ShutdownWaitsForRunningTaskWithinGrace", testShutdownWaitsForRunningTaskWithinGrace},
		{"TaskTimeoutFailsHungRun", testTaskTimeoutFailsHungRun},
		{"CollectorCountsStates", testCollectorCountsStates},
		{"DetailRecordedOnSuccess", testDetailRecordedOnSuccess}, // detail_test.go
		// Runs, wake-ups and several nodes (nodes_test.go).
		{"RunsRecordNodes", testRunsRecordNodes},
		{"SubmissionWakesIdlePool", testSubmissionWakesIdlePool},
		{"NodesClaimEachTaskOnce", testNodesClaimEachTaskOnce},
		{"DeadNodesTaskRunsElsewhere", testDeadNodesTaskRunsElsewhere},
		{"LiveLeaseSurvivesNodeStart", testLiveLeaseSurvivesNodeStart},
		// Cancels and events across nodes (cluster_test.go).
		{"CancelFromAnotherNode", testCancelFromAnotherNode},
		{"CancelMarkFoundAtLeaseRenewal", testCancelMarkFoundAtLeaseRenewal},
		{"CancelRacesWithFinish", testCancelRacesWithFinish},
		{"CancelledOrphanIsNotRunAgain", testCancelledOrphanIsNotRunAgain},
		{"EventsReachOtherNodes", testEventsReachOtherNodes},
	}
}

// TestConformance runs every case on SQLite and on PostgreSQL (skipped
// without the test server, failing without it when CI=true).
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, st := range testStores() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range conformanceCases() {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, st)
				})
			}
		})
	}
}

// requireShared skips a case that needs several nodes on one store.
func requireShared(t *testing.T, st testStore) {
	t.Helper()
	if st.name == "sqlite" {
		t.Skip("one process owns an SQLite store")
	}
}

// counter counts calls per key, safely from many workers.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}
