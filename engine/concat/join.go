package concat

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"golang.org/x/sync/errgroup"
)

// join runs the clips through the output as two concurrent stages with a
// small queue between them (see docs/performance.md):
//
//	demux → decode → trim → filter → clock/FIFO ──queue──▶ encode → mux
//
// The first goroutine reads the clips one after another; the second
// encodes, so one clip's tail is still encoding while the next clip is
// opened and decoded. Either stage failing ends the other through the
// shared ctx; the first error is the run's. When join returns, both
// goroutines have ended and every queued frame is freed, so the output is
// the caller's alone again.
func join(ctx context.Context, o *output, clips []*clipSource, threads threads) error {
	g, gctx := errgroup.WithContext(ctx)
	st := newEncodeStage(gctx)
	o.stage = st
	defer func() { o.stage = nil }()
	g.Go(guard(st.run))
	g.Go(guard(func() error {
		defer st.close()
		for _, clip := range clips {
			if err := runClip(gctx, o, clip, threads); err != nil {
				return err
			}
			clip.in.Close() // release each input as soon as it is done
			clip.in = nil
		}
		return o.endInput()
	}))
	err := g.Wait()
	st.discard()
	if p := (*stagePanic)(nil); errors.As(err, &p) {
		panic(p.String()) // on the caller's goroutine, where the queue recovers it
	}
	return err
}

// stagePanic is a panic in a stage's goroutine, carried to join's caller.
type stagePanic struct {
	value any
	stack []byte
}

func (p *stagePanic) Error() string  { return fmt.Sprint("concat: a stage panicked: ", p.value) }
func (p *stagePanic) String() string { return fmt.Sprintf("%v\n%s", p.value, p.stack) }

// guard turns a panic in fn into a *stagePanic error, so the other stage
// is told to stop and the panic reaches the caller instead of ending the
// process.
func guard(fn func() error) func() error {
	return func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = &stagePanic{value: r, stack: debug.Stack()}
			}
		}()
		return fn()
	}
}
