package s3_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
	"github.com/ossemu/ossemu/storage/s3/s3test"
)

// countingTransport counts GET requests.
type countingTransport struct{ gets atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		c.gets.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestReader reads an object the way libav does (small reads, seeks to the
// end and back, jumps) and checks every byte against the source, and that
// the read-ahead window keeps requests far below the number of reads.
func TestReader(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	ct := &countingTransport{}
	cfg.HTTPClient = &http.Client{Transport: ct}
	cfg.ReadAhead = 256 << 10
	b := newBackend(t, cfg, "rd-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "reads"))
	body := randomBytes(3<<20+777, 7)
	_, err := b.PutObject(ctx, "reads", "clip.mp4", bytes.NewReader(body), storage.PutOptions{Size: int64(len(body))})
	require.NoError(t, err)

	o, err := b.GetObject(ctx, "reads", "clip.mp4")
	require.NoError(t, err)
	defer o.Close()
	require.Equal(t, int64(len(body)), o.Info().Size)
	before := ct.gets.Load()
	buf := make([]byte, 4096)
	reads := 0
	var got []byte
	for {
		n, err := o.Read(buf)
		got = append(got, buf[:n]...)
		reads++
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.True(t, bytes.Equal(body, got))
	require.Equal(t, int64(0), ct.gets.Load()-before, "a sequential read is the one streaming GET GetObject opened")
	require.Greater(t, reads, 700)

	rng := rand.New(rand.NewPCG(5, 6))
	before = ct.gets.Load()
	const jumps = 40
	for range jumps {
		off := rng.Int64N(int64(len(body)))
		if rng.IntN(4) == 0 {
			off = int64(len(body)) - rng.Int64N(8192) - 1 // the moov-at-the-end pattern
		}
		_, err := o.Seek(off, io.SeekStart)
		require.NoError(t, err)
		for i := range 8 { // several small reads near each position
			n, err := io.ReadFull(o, buf[:min(1000+i, len(body)-int(off))])
			require.NoError(t, err)
			require.True(t, bytes.Equal(body[off:off+int64(n)], buf[:n]), "bytes at %d", off)
			off += int64(n)
			if off == int64(len(body)) {
				break
			}
		}
	}
	require.LessOrEqual(t, ct.gets.Load()-before, int64(jumps), "at most one GET per jump, none per small read")

	end, err := o.Seek(0, io.SeekEnd)
	require.NoError(t, err)
	require.Equal(t, int64(len(body)), end)
	n, err := o.Read(buf)
	require.Equal(t, 0, n)
	require.ErrorIs(t, err, io.EOF)
	_, err = o.Seek(-1, io.SeekStart)
	require.Error(t, err)
}

// TestReaderPinsVersion overwrites an object bigger than the window while
// it is open: the reader never mixes versions, it fails on the bytes it no
// longer has, and that failure is transient so a task retries.
func TestReaderPinsVersion(t *testing.T) {
	t.Parallel()
	cfg := s3test.Start(t)
	cfg.ReadAhead = 64 << 10
	b := newBackend(t, cfg, "pin-")
	ctx := context.Background()
	require.NoError(t, b.CreateBucket(ctx, "pins"))
	v1 := bytes.Repeat([]byte{'1'}, 512<<10)
	_, err := b.PutObject(ctx, "pins", "k", bytes.NewReader(v1), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	o, err := b.GetObject(ctx, "pins", "k")
	require.NoError(t, err)
	defer o.Close()
	head := make([]byte, 1000)
	_, err = io.ReadFull(o, head)
	require.NoError(t, err)
	require.Equal(t, v1[:1000], head)

	_, err = b.PutObject(ctx, "pins", "k", bytes.NewReader(bytes.Repeat([]byte{'2'}, 512<<10)), storage.PutOptions{Size: -1})
	require.NoError(t, err)
	_, err = o.Seek(10, io.SeekStart) // inside the window: still version 1
	require.NoError(t, err)
	_, err = io.ReadFull(o, head)
	require.NoError(t, err)
	require.Equal(t, v1[:1000], head)
	_, err = o.Seek(400<<10, io.SeekStart) // outside it: refused, not mixed
	require.NoError(t, err)
	_, err = io.ReadFull(o, head)
	requireCode(t, err, osserr.PreconditionFailed)
	require.True(t, osserr.IsTransient(err))
}
