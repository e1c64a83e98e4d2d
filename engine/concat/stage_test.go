package concat

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"
)

// A sender blocked on a full queue returns as soon as the run's context
// ends, and what was queued is freed by discard: no goroutine waits for
// ever and no frame is left behind.
func TestEncodeStageCancelWhileFull(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	s := newEncodeStage(ctx)
	f := astiav.AllocFrame()
	defer f.Free()
	f.SetNbSamples(64)
	f.SetSampleFormat(astiav.SampleFormatFltp)
	f.SetChannelLayout(astiav.ChannelLayoutStereo)
	f.SetSampleRate(48000)
	require.NoError(t, f.AllocBuffer(0))
	for range encodeQueueFrames {
		require.NoError(t, s.send(nil, f))
	}
	blocked := make(chan error, 1)
	go func() { blocked <- s.send(nil, f) }()
	select {
	case err := <-blocked:
		t.Fatalf("send on a full queue returned %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	require.ErrorIs(t, <-blocked, context.Canceled)
	require.ErrorIs(t, s.run(), context.Canceled)
	s.close()
	s.discard()
	require.Empty(t, s.jobs)
}

// A panic in a stage becomes an error the other stage stops on.
func TestGuardCarriesPanic(t *testing.T) {
	t.Parallel()
	err := guard(func() error { panic("boom") })()
	var p *stagePanic
	require.True(t, errors.As(err, &p))
	require.Equal(t, "boom", p.value)
	require.Contains(t, p.String(), "stage_test.go")
	require.NoError(t, guard(func() error { return nil })())
}
