package ffmpeg

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
	"github.com/ossemu/ossemu/queue"
)

// jpegQuality is the sheets' JPEG quality: visually clean thumbnails at a
// moderate size (the ffmpeg CLI's -q:v 2–3 is comparable).
const jpegQuality = 90

// sheetKey names sheet n (1-based) through the saveas template:
//   - a template with {index} names every sheet apart;
//   - a name without an extension gets "_0_<n>.<ext>" appended (seed 004's
//     "_0_1.jpg"; the 0 is the stream index);
//   - a name with an extension and no {index} is the same for every sheet,
//     so each overwrites the previous one and only the last survives.
func sheetKey(job *task, n int, size image.Point) string {
	ext := string(job.Pipeline.Sprite.Format)
	t := job.Pipeline.SaveAs.Object
	key := t.Expand(sheetVars(job, n, size))
	if t.Uses("index") || path.Ext(path.Base(key)) != "" {
		return key
	}
	return key + "_0_" + strconv.Itoa(n) + "." + ext
}

// sheetBucket is the saveas bucket, by default the source bucket.
func sheetBucket(job *task, size image.Point) string {
	if job.Pipeline.SaveAs.Bucket.IsZero() {
		return job.Bucket
	}
	return job.Pipeline.SaveAs.Bucket.Expand(sheetVars(job, 1, size))
}

func sheetVars(job *task, n int, size image.Point) parser.Vars {
	return parser.Vars{
		Bucket:     job.Bucket,
		Key:        job.Object,
		Time:       job.CreatedAt,
		Index:      n,
		Resolution: fmt.Sprintf("%dx%d", size.X, size.Y),
		AutoExt:    string(job.Pipeline.Sprite.Format),
	}
}

// writeSheet encodes sheet n into the job's work directory and returns its
// output. Local disk failures are transient.
func writeSheet(job *task, n int, img *image.RGBA) (queue.Output, error) {
	p := job.Pipeline.Sprite
	size := img.Rect.Size()
	out := queue.Output{
		Bucket: sheetBucket(job, size),
		Key:    sheetKey(job, n, size),
		Path:   filepath.Join(job.WorkDir, fmt.Sprintf("sprite-%d.%s", n, p.Format)),
	}
	f, err := os.Create(out.Path)
	if err != nil {
		return out, osserr.Transient(fmt.Errorf("video/sprite: creating sheet %d: %w", n, err))
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	switch p.Format {
	case parser.PNG:
		out.ContentType = "image/png"
		err = png.Encode(w, img)
	default:
		out.ContentType = "image/jpeg"
		err = jpeg.Encode(w, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return out, osserr.Transient(fmt.Errorf("video/sprite: writing sheet %d: %w", n, err))
	}
	return out, nil
}

// sheetWriter encodes finished sheets on its own goroutine, in order, so
// JPEG/PNG encoding overlaps with decoding the next frames. At most one
// sheet waits in the queue, which bounds memory to three sheets.
type sheetWriter struct {
	job  *task
	ch   chan *image.RGBA
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	outs []queue.Output
	err  error
}

func newSheetWriter(job *task) *sheetWriter {
	w := &sheetWriter{job: job, ch: make(chan *image.RGBA, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for img := range w.ch {
			if w.failed() != nil {
				continue
			}
			out, err := writeSheet(job, len(w.outs)+1, img)
			w.mu.Lock()
			w.outs, w.err = append(w.outs, out), err
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *sheetWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// write queues a full sheet; it returns an earlier sheet's write error.
func (w *sheetWriter) write(img *image.RGBA) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.ch <- img
	return nil
}

// finish waits for the queued sheets and returns every output in order.
// It is safe to call more than once (deferred for early returns).
func (w *sheetWriter) finish() ([]queue.Output, error) {
	w.once.Do(func() { close(w.ch) })
	<-w.done
	return w.outs, w.err
}
