package libav

/*
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
	"github.com/asticode/go-astikit"
)

// AudioShape is the sample rate, channel layout and sample format of
// audio frames.
type AudioShape struct {
	SampleRate int
	Layout     astiav.ChannelLayout
	Format     astiav.SampleFormat
}

// AudioFIFO joins audio of arbitrary frame lengths into an encoder's fixed
// frame size: when clips end at arbitrary sample counts, the tail of one
// and the head of the next share an encoder frame. go-astiav v0.16.0 has
// no AVAudioFifo binding, hence the cgo. It holds at most one encoder
// frame plus one filter frame, so memory stays flat however long the input.
type AudioFIFO struct {
	fifo    *C.AVAudioFifo
	shape   AudioShape
	chans   int
	silence *astiav.Frame // frameSize samples of silence, written as padding
	out     *astiav.Frame // reused output frame, made writable before each read
}

// NewAudioFIFO allocates a FIFO for frames of shape, read frameSize
// samples at a time; c frees it.
func NewAudioFIFO(shape AudioShape, frameSize int, c *astikit.Closer) (*AudioFIFO, error) {
	q := &AudioFIFO{shape: shape, chans: shape.Layout.NbChannels()}
	q.fifo = C.av_audio_fifo_alloc(C.enum_AVSampleFormat(shape.Format), C.int(q.chans), C.int(frameSize))
	if q.fifo == nil {
		return nil, errors.New("libav: allocating audio fifo failed")
	}
	c.Add(func() { C.av_audio_fifo_free(q.fifo) })
	var err error
	if q.silence, err = q.allocFrame(frameSize, c); err != nil {
		return nil, err
	}
	sf := cFrame(q.silence)
	C.av_samples_set_silence(sf.extended_data, 0, sf.nb_samples, C.int(q.chans), C.enum_AVSampleFormat(shape.Format))
	if q.out, err = q.allocFrame(frameSize, c); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *AudioFIFO) allocFrame(n int, c *astikit.Closer) (*astiav.Frame, error) {
	f := astiav.AllocFrame()
	if f == nil {
		return nil, errors.New("libav: allocating frame failed")
	}
	c.Add(f.Free)
	f.SetNbSamples(n)
	f.SetSampleFormat(q.shape.Format)
	f.SetChannelLayout(q.shape.Layout)
	f.SetSampleRate(q.shape.SampleRate)
	if err := f.AllocBuffer(0); err != nil {
		return nil, fmt.Errorf("libav: allocating audio frame: %w", err)
	}
	return f, nil
}

// FrameSize is the number of samples Read is meant to take at a time.
func (q *AudioFIFO) FrameSize() int { return q.silence.NbSamples() }

// Size is the number of buffered samples.
func (q *AudioFIFO) Size() int { return int(C.av_audio_fifo_size(q.fifo)) }

// Write appends n samples of f (which must be in the FIFO's shape),
// starting at sample off.
func (q *AudioFIFO) Write(f *astiav.Frame, off, n int) error {
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
		return fmt.Errorf("libav: audio fifo write: %w", astiav.Error(int(got)))
	}
	return nil
}

// WriteSilence appends n samples of silence.
func (q *AudioFIFO) WriteSilence(n int) error {
	for n > 0 {
		k := min(n, q.silence.NbSamples())
		if err := q.Write(q.silence, 0, k); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// Read takes n samples (at most the frame size) into the reused output
// frame and returns it; the frame is valid until the next Read. The
// encoder may still hold a reference to the previous buffer, so the frame
// is made writable (reallocated if shared) first.
func (q *AudioFIFO) Read(n int) (*astiav.Frame, error) {
	cf := cFrame(q.out)
	if ret := C.av_frame_make_writable(cf); ret < 0 {
		return nil, fmt.Errorf("libav: audio frame: %w", astiav.Error(int(ret)))
	}
	if got := C.av_audio_fifo_read(q.fifo, (*unsafe.Pointer)(unsafe.Pointer(cf.extended_data)), C.int(n)); int(got) != n {
		return nil, fmt.Errorf("libav: audio fifo read: %w", astiav.Error(int(got)))
	}
	q.out.SetNbSamples(n)
	return q.out, nil
}

// RestoreSize resets the output frame's sample count after a short Read.
func (q *AudioFIFO) RestoreSize() { q.out.SetNbSamples(q.silence.NbSamples()) }
