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

// copyHashed copies src to dst and feeds the same bytes, in order, to each
// hash on a goroutine of its own. Hashing is the costly part of storing a
// body (Go's MD5 runs at about 0.8 GB/s and CRC-64 at 2 GB/s on one core,
// against several GB/s for a write into the page cache), so running the
// hashes beside the copy instead of in line with it (io.MultiWriter) lets a
// multi-core machine receive, write and hash at once. ctx is checked
// before every chunk. The hashes are complete when copyHashed returns,
// whatever the error.
func copyHashed(ctx context.Context, dst io.Writer, src io.Reader, hashes ...hash.Hash) (int64, error) {
	free := make(chan *chunk, hashChunks)
	for range hashChunks {
		free <- &chunk{buf: make([]byte, hashChunk)}
	}
	release := func(c *chunk) {
		if c.refs.Add(-1) == 0 {
			free <- c
		}
	}
	feeds := make([]chan *chunk, len(hashes))
	var wg sync.WaitGroup
	for i, h := range hashes {
		feed := make(chan *chunk, hashChunks)
		feeds[i] = feed
		wg.Go(func() {
			for c := range feed {
				h.Write(c.buf[:c.n])
				release(c)
			}
		})
	}
	defer func() {
		for _, feed := range feeds {
			close(feed)
		}
		wg.Wait()
	}()

	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		c := <-free
		n, rerr := storage.Fill(src, c.buf)
		if n == 0 {
			free <- c
		} else {
			c.n = n
			c.refs.Store(int32(len(feeds) + 1))
			for _, feed := range feeds {
				feed <- c
			}
			_, werr := dst.Write(c.buf[:n])
			release(c)
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
