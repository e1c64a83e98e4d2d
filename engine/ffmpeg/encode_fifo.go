package ffmpeg

/*
#cgo pkg-config: libavutil
#include <libavutil/audio_fifo.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// audioFIFO joins the per-clip audio into the encoder's fixed frame size.
// Clips end at arbitrary sample counts, so the tail of one clip and the
// head of the next share an encoder frame; go-astiav v0.16.0 has no
// AVAudioFifo binding, hence the cgo. It holds at most one encoder frame
// plus one filter frame, so memory stays flat however long the clips.
type audioFIFO struct {
	fifo    *C.AVAudioFifo
	shape   audioShape
	chans   int
	silence *astiav.Frame // frameSize samples of silence, written as padding
	out     *astiav.Frame // reused output frame, made writable before each read
}

func newAudioFIFO(shape audioShape, frameSize int) (*audioFIFO, error) {
	q := &audioFIFO{shape: shape, chans: shape.Layout.NbChannels()}
	q.fifo = C.av_audio_fifo_alloc(C.enum_AVSampleFormat(shape.Format), C.int(q.chans), C.int(frameSize))
	if q.fifo == nil {
		return nil, errors.New("ffmpeg: allocating audio fifo failed")
	}
	var err error
	if q.silence, err = q.allocFrame(frameSize); err != nil {
		q.close()
		return nil, err
	}
	sf := cFrame(q.silence)
	C.av_samples_set_silence(sf.extended_data, 0, sf.nb_samples, C.int(q.chans), C.enum_AVSampleFormat(shape.Format))
	if q.out, err = q.allocFrame(frameSize); err != nil {
		q.close()
		return nil, err
	}
	return q, nil
}

func (q *audioFIFO) allocFrame(n int) (*astiav.Frame, error) {
	f := astiav.AllocFrame()
	f.SetNbSamples(n)
	f.SetSampleFormat(q.shape.Format)
	f.SetChannelLayout(q.shape.Layout)
	f.SetSampleRate(q.shape.SampleRate)
	if err := f.AllocBuffer(0); err != nil {
		f.Free()
		return nil, fmt.Errorf("ffmpeg: allocating audio frame: %w", err)
	}
	return f, nil
}

// size is the number of buffered samples.
func (q *audioFIFO) size() int { return int(C.av_audio_fifo_size(q.fifo)) }

// write appends n samples of f (which must be in the FIFO's format),
// starting at sample off.
func (q *audioFIFO) write(f *astiav.Frame, off, n int) error {
	if n <= 0 {
		return nil
	}
	cf := cFrame(f)
	data := (*unsafe.Pointer)(unsafe.Pointer(cf.extended_data))
	if off > 0 {
		fmtC := C.enum_AVSampleFormat(q.shape.Format)
		planes, step := 1, int(C.av_get_bytes_per_sample(fmtC))
		if C.av_sample_fmt_is_planar(fmtC) != 0 {
			planes = q.chans
		} else {
			step *= q.chans
		}
		src := unsafe.Slice(data, planes)
		// C pointers only, so this Go slice may be handed to C.
		ptrs := make([]unsafe.Pointer, planes)
		for i := range ptrs {
			ptrs[i] = unsafe.Add(src[i], off*step)
		}
		data = &ptrs[0]
	}
	if got := C.av_audio_fifo_write(q.fifo, data, C.int(n)); int(got) != n {
		return fmt.Errorf("ffmpeg: audio fifo write: %w", astiav.Error(int(got)))
	}
	return nil
}

// writeSilence appends n samples of silence.
func (q *audioFIFO) writeSilence(n int) error {
	for n > 0 {
		k := min(n, q.silence.NbSamples())
		if err := q.write(q.silence, 0, k); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// read takes n samples into the reused output frame and returns it. The
// encoder may still hold a reference to the previous buffer, so the frame
// is made writable (reallocated if shared) first.
func (q *audioFIFO) read(n int) (*astiav.Frame, error) {
	cf := cFrame(q.out)
	if ret := C.av_frame_make_writable(cf); ret < 0 {
		return nil, fmt.Errorf("ffmpeg: audio frame: %w", astiav.Error(int(ret)))
	}
	if got := C.av_audio_fifo_read(q.fifo, (*unsafe.Pointer)(unsafe.Pointer(cf.extended_data)), C.int(n)); int(got) != n {
		return nil, fmt.Errorf("ffmpeg: audio fifo read: %w", astiav.Error(int(got)))
	}
	cf.nb_samples = C.int(n)
	return q.out, nil
}

// restoreSize resets the output frame's sample count after a short read.
func (q *audioFIFO) restoreSize() { cFrame(q.out).nb_samples = cFrame(q.silence).nb_samples }

func (q *audioFIFO) close() {
	if q.fifo != nil {
		C.av_audio_fifo_free(q.fifo)
		q.fifo = nil
	}
	if q.silence != nil {
		q.silence.Free()
		q.silence = nil
	}
	if q.out != nil {
		q.out.Free()
		q.out = nil
	}
}

func cFrame(f *astiav.Frame) *C.AVFrame { return (*C.AVFrame)(f.UnsafePointer()) }
