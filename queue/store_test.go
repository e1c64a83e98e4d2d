package queue

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func testEnqueueGetList(t *testing.T, st testStore) {
	e := newEnvOn(t, st, nil, nil)
	ctx := context.Background()
	var ids []string
	for range 5 {
		ids = append(ids, e.submit(t, "concat").ID)
	}
	got := e.get(t, ids[0])
	require.Equal(t, Queued, got.State)
	require.Regexp(t, `^MediaConvert-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, got.ID)
	require.Regexp(t, `^[0-9A-F]{3}-[0-9A-Za-z]{27}$`, got.EventID)
	require.Equal(t, []Ref{{Bucket: "b", Key: "src.mp4"}}, got.Sources)
	require.Equal(t, "REQ", got.RequestID)
	require.Equal(t, actConcat, got.Action)
	require.Equal(t, "concat", got.Process)
	require.False(t, got.CreatedAt.IsZero())

	_, err := e.q.Get(ctx, "MediaConvert-nope")
	require.ErrorIs(t, err, ErrNotFound)

	// Newest first, in pages of two, with stable tokens.
	var seen []string
	next := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		page, tok, err := e.q.List(ctx, ListOptions{Limit: 2, Next: next})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		for _, task := range page {
			seen = append(seen, task.ID)
		}
		if tok == "" {
			break
		}
		next = tok
	}
	require.Equal(t, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, seen)

	page, _, err := e.q.List(ctx, ListOptions{State: Running})
	require.NoError(t, err)
	require.Empty(t, page)
	_, _, err = e.q.List(ctx, ListOptions{Next: "!!"})
	require.ErrorIs(t, err, ErrBadToken)
}

func testEnqueueConcurrentGroupCommit(t *testing.T, st testStore) {
	e := newEnvOn(t, st, nil, nil)
	var wg sync.WaitGroup
	ids := make(chan string, 300)
	for range 300 {
		wg.Go(func() { ids <- e.submit(t, "concat").ID })
	}
	wg.Wait()
	close(ids)
	uniq := map[string]bool{}
	for id := range ids {
		uniq[id] = true
	}
	require.Len(t, uniq, 300)
	var n int
	require.NoError(t, e.q.r.QueryRow(`SELECT COUNT(*) FROM tasks WHERE state = 'queued'`).Scan(&n))
	require.Equal(t, 300, n)
}

func testEnqueueDuplicateIDFailsAlone(t *testing.T, st testStore) {
	e := newEnvOn(t, st, nil, nil)
	ctx := context.Background()
	first, err := e.q.Enqueue(ctx, NewTask{Action: actConcat, Bucket: "b", Object: "o", Process: "concat"})
	require.NoError(t, err)
	_, err = e.q.Enqueue(ctx, NewTask{ID: first.ID, Action: actConcat, Bucket: "b", Object: "o", Process: "concat"})
	require.Error(t, err)
}

func testEnqueueRequiresAction(t *testing.T, st testStore) {
	e := newEnvOn(t, st, nil, nil)
	_, err := e.q.Enqueue(context.Background(), NewTask{Bucket: "b", Object: "o", Process: "video/concat,f_mp4"})
	require.ErrorIs(t, err, ErrNoAction)
	page, _, err := e.q.List(context.Background(), ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page, "nothing is stored")
}

func TestOpenTakesExclusiveLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "q.db")
	q, err := Open(context.Background(), path)
	require.NoError(t, err)
	_, err = Open(context.Background(), path)
	require.ErrorContains(t, err, "in use")
	require.NoError(t, q.Close())
	q2, err := Open(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, q2.Close())
	_, err = q2.Enqueue(context.Background(), NewTask{Action: actConcat, Bucket: "b", Object: "o"})
	require.ErrorIs(t, err, ErrClosed)
}

func TestStatusNames(t *testing.T) {
	t.Parallel()
	for _, st := range []State{Queued, Running, Succeeded, Failed} {
		got, ok := ParseStatus(st.Status())
		require.True(t, ok)
		require.Equal(t, st, got)
	}
	_, ok := ParseStatus("Done")
	require.False(t, ok)
}

func TestBackoffDoubles(t *testing.T) {
	t.Parallel()
	c := DefaultConfig()
	require.Equal(t, c.BackoffBase, c.backoff(1))
	require.Equal(t, 2*c.BackoffBase, c.backoff(2))
	require.Equal(t, 4*c.BackoffBase, c.backoff(3))
	require.Equal(t, c.BackoffMax, c.backoff(40))
}
