package sprite

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/engine/jpeg"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// jpegQuality is the sheets' JPEG quality on the IJG scale (libjpeg's and
// image/jpeg's): visually clean thumbnails at a moderate size (the ffmpeg
// CLI's -q:v 2–3 is comparable).
const jpegQuality = 90

// sheetNames names a run's sheets through its saveas templates.
type sheetNames struct {
	task   engine.Task
	spec   *parser.Sprite
	saveas parser.SaveAs
}

// key names sheet n (1-based) by parser.SheetKey, the rule the submission
// checks names with.
func (s sheetNames) key(n int, size image.Point) string {
	return parser.SheetKey(s.saveas.Object, s.vars(n, size), s.spec.Format.Ext())
}

// bucket is the saveas bucket, by default the source bucket.
func (s sheetNames) bucket(size image.Point) string {
	if s.saveas.Bucket.IsZero() {
		return s.task.Bucket
	}
	return s.saveas.Bucket.Expand(s.vars(1, size))
}

func (s sheetNames) vars(n int, size image.Point) parser.Vars {
	return parser.Vars{
		Bucket:     s.task.Bucket,
		Key:        s.task.Object,
		Time:       s.task.Created,
		Index:      n,
		Resolution: fmt.Sprintf("%dx%d", size.X, size.Y),
		AutoExt:    string(s.spec.Format),
	}
}

// writeSheet encodes sheet n into dir and returns its output, with the
// sheet's cell index. Local disk failures are transient.
func writeSheet(names sheetNames, dir string, n int, s *sheet) (engine.Output, error) {
	img := s.img
	size := img.Rect.Size()
	out := engine.Output{
		Bucket: names.bucket(size),
		Key:    names.key(n, size),
		Path:   filepath.Join(dir, fmt.Sprintf("sprite-%d.%s", n, names.spec.Format)),
		Sheet:  s.layout(),
	}
	var err error
	switch names.spec.Format {
	case parser.PNG:
		out.ContentType = "image/png"
		err = writePNG(out.Path, img)
	default:
		out.ContentType = "image/jpeg"
		err = jpeg.WriteFile(out.Path, img, jpegQuality)
	}
	if err != nil {
		return out, osserr.Transient(fmt.Errorf("video/sprite: writing sheet %d: %w", n, err))
	}
	return out, nil
}

func writePNG(path string, img *image.RGBA) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := png.Encode(w, img); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// sheetWriter encodes finished sheets on its own goroutine, in order, so
// JPEG/PNG encoding overlaps with decoding the next frames. At most one
// sheet waits in the queue, which bounds memory to three sheets.
type sheetWriter struct {
	ch   chan *sheet
	done chan struct{}
	once sync.Once
	mu   sync.Mutex
	outs []engine.Output
	err  error
}

func newSheetWriter(names sheetNames, dir string) *sheetWriter {
	w := &sheetWriter{ch: make(chan *sheet, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for s := range w.ch {
			if w.failed() != nil {
				continue
			}
			out, err := writeSheet(names, dir, len(w.outs)+1, s)
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
func (w *sheetWriter) write(s *sheet) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.ch <- s
	return nil
}

// finish waits for the queued sheets and returns every output in order.
// It is safe to call more than once (deferred for early returns).
func (w *sheetWriter) finish() ([]engine.Output, error) {
	w.once.Do(func() { close(w.ch) })
	<-w.done
	return w.outs, w.err
}
