package local

import (
	"io"
	"os"
	"syscall"
)

// writebackEvery is how much of a blob is written before its writeback is
// started.
const writebackEvery = 8 << 20

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writeback of the
// range's dirty pages without waiting for it.
const syncFileRangeWrite = 2

// writeback starts the disk writes of a blob while it is still being
// received (sync_file_range, every writebackEvery bytes), so the fsync
// that makes it durable at the end finds most of it already on its way
// instead of flushing the whole body at once: a 100 MB PUT otherwise
// spends a fifth of its time in that last fsync. It changes nothing about
// durability: the fsync still decides it.
type writeback struct {
	f       *os.File
	written int64
	started int64 // bytes whose writeback has been started
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if w.written-w.started >= writebackEvery {
		// Advisory: an error here (a filesystem without support) only
		// means the final fsync does all the work, as without it.
		syscall.SyncFileRange(int(w.f.Fd()), w.started, w.written-w.started, syncFileRangeWrite)
		w.started = w.written
	}
	return n, err
}

// blobWriter is what a body is copied into: f itself when writes are not
// synced, else f with early writeback.
func (b *Backend) blobWriter(f *os.File) io.Writer {
	if b.cfg.NoSync {
		return f
	}
	return &writeback{f: f}
}
