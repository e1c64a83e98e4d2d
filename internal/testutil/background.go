package testutil

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// RunBackground runs run (a dispatcher's or pool's Run) in a goroutine.
// The returned stop cancels its context and waits for it to return, which
// must be with no error; it runs at most once, and by itself when the test
// ends.
func RunBackground(t testing.TB, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return stop
}
