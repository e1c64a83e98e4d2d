package libav_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/asticode/go-astiav"
	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/engine/internal/enginetest"
	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// openAndDecode opens path under the budget, opens the decoder of its
// video stream and decodes it all; the first error is returned.
func openAndDecode(t *testing.T, path string, budget int64) error {
	t.Helper()
	store := enginetest.PathStore{DirStore: enginetest.DirStore{Dir: filepath.Dir(filepath.Dir(path))}}
	in, err := libav.OpenInput(context.Background(), store, filepath.Base(filepath.Dir(path)), filepath.Base(path), budget)
	if err != nil {
		return err
	}
	defer in.Close()
	v := in.MainStream(astiav.MediaTypeVideo)
	require.NotNil(t, v)
	dec, err := in.OpenDecoder(v, 1, nil)
	if err != nil {
		return err
	}
	pkt, frame := astiav.AllocPacket(), astiav.AllocFrame()
	defer pkt.Free()
	defer frame.Free()
	receive := func() error {
		for {
			err := dec.ReceiveFrame(frame)
			if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
				return nil
			}
			if err != nil {
				return err
			}
			frame.Unref()
		}
	}
	for {
		if err := in.Format.ReadFrame(pkt); err != nil {
			break
		}
		err := dec.SendPacket(pkt)
		pkt.Unref()
		if err == nil {
			err = receive()
		}
		if _, ok := osserr.As(err); ok {
			return err
		}
	}
	if err := dec.SendPacket(nil); err != nil {
		return err
	}
	return receive()
}

// place puts a file under dir/bucket so a PathStore serves it.
func place(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "b", filepath.Base(src))
	enginetest.Put(t, filepath.Dir(filepath.Dir(dst)), "b", filepath.Base(src), src)
	return dst
}

// Inputs over the pixel budget are refused with InvalidMedia naming their
// size and the budget, whether the container declares the size (MP4),
// only the stream's headers do (raw H.264), or the picture grows after
// the first frames; within the budget the same code decodes.
func TestPixelBudget(t *testing.T) {
	t.Parallel()
	const budget = 36_000_000
	for _, tc := range []struct {
		name string
		clip func(testing.TB) string
	}{
		{"declared by the container", enginetest.HugeMP4},
		{"declared by the stream", enginetest.HugeH264},
		{"grows mid-stream", enginetest.GrowingH264},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := openAndDecode(t, place(t, tc.clip(t)), budget)
			e, ok := osserr.As(err)
			require.True(t, ok, "%v", err)
			require.Equal(t, osserr.InvalidMedia.Name, e.Code.Name)
			require.Contains(t, e.Message, "16000x16000 (256,000,000 pixels)")
			require.Contains(t, e.Message, "budget of 36,000,000 pixels")
			require.Contains(t, e.Message, "--max-input-pixels")
		})
	}
	t.Run("exactly at the budget", func(t *testing.T) {
		t.Parallel()
		clip := place(t, enginetest.Clip(t, "budget-64x48.mp4", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=0.2", "-pix_fmt", "yuv420p"))
		require.NoError(t, openAndDecode(t, clip, 64*48))
		err := openAndDecode(t, clip, 64*48-1)
		require.True(t, osserr.Is(err, osserr.InvalidMedia), "%v", err)
		require.Contains(t, err.Error(), "64x48 (3,072 pixels)")
	})
}
