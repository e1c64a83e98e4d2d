package local

import (
	"context"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/ossemu/ossemu/storage"
)

// Copy chunking: hashChunks buffers of hashChunk bytes are in flight at
// once, so one upload holds at most 1 MiB whatever its size.
const (
	hashChunk  = 256 << 10
	hashChunks = 4
)

// chunk is one buffer of a copy, shared by the writer and every hash until
// the last of them releases it.
type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

// hashCopy copies a body to its file and feeds the same bytes, in order,
// to each hash on a goroutine of its own. Hashing is the costly part of
// storing a body (Go's MD5 runs at about 0.8 GB/s and CRC-64 at 2 GB/s on
// one core, against several GB/s for a write into the page cache), so
// running the hashes beside the copy instead of in line with it
// (io.MultiWriter) lets a multi-core machine receive, write and hash at
// once, and lets the caller start the fsync while MD5 catches up.
type hashCopy struct {
	free  chan *chunk
	feeds []chan *chunk
	wg    sync.WaitGroup
	done  bool
}

// startHashes starts one goroutine per hash; wait must be called.
func startHashes(hashes ...hash.Hash) *hashCopy {
	h := &hashCopy{free: make(chan *chunk, hashChunks), feeds: make([]chan *chunk, len(hashes))}
	for range hashChunks {
		h.free <- &chunk{buf: make([]byte, hashChunk)}
	}
	for i, sum := range hashes {
		feed := make(chan *chunk, hashChunks)
		h.feeds[i] = feed
		h.wg.Go(func() {
			for c := range feed {
				sum.Write(c.buf[:c.n])
				h.release(c)
			}
		})
	}
	return h
}

func (h *hashCopy) release(c *chunk) {
	if c.refs.Add(-1) == 0 {
		h.free <- c
	}
}

// copy writes src to dst in chunks, each also queued to every hash, and
// returns once all of it is written; the hashes may still be working. ctx
// is checked before every chunk. src's errors pass through unchanged
// (io.ErrUnexpectedEOF from a body cut short stays that).
func (h *hashCopy) copy(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		c := <-h.free
		n, rerr := storage.Fill(src, c.buf)
		if n == 0 {
			h.free <- c
		} else {
			c.n = n
			c.refs.Store(int32(len(h.feeds) + 1))
			for _, feed := range h.feeds {
				feed <- c
			}
			_, werr := dst.Write(c.buf[:n])
			h.release(c)
			total += int64(n)
			if werr != nil {
				return total, werr
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

// wait blocks until every hash has consumed everything copied and stops
// the goroutines; the hashes are then complete. It may be called again.
func (h *hashCopy) wait() {
	if h.done {
		return
	}
	h.done = true
	for _, feed := range h.feeds {
		close(feed)
	}
	h.wg.Wait()
}

// copyHashed is copy and wait in one: the hashes are complete when it
// returns, whatever the error.
func copyHashed(ctx context.Context, dst io.Writer, src io.Reader, hashes ...hash.Hash) (int64, error) {
	h := startHashes(hashes...)
	defer h.wait()
	return h.copy(ctx, dst, src)
}
