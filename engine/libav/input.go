package libav

/*
#include <libavformat/avio.h>
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/storage"
)

// ioBufferSize is the custom AVIO buffer. go-astiav allocates a Go slice of
// this size on every read callback, so a large buffer keeps the number of
// cgo round trips (and allocations) low.
const ioBufferSize = 256 << 10

// Input is one storage object opened for demuxing. Local objects are opened
// by path so libav reads the file itself; any other backend is read through a
// custom AVIO context over storage.Object, whose Seek lets the MP4 demuxer
// reach an index stored at the end of the file. Close frees everything in
// reverse order of allocation, decoders included.
type Input struct {
	Name   string // "bucket/key", used in error messages
	Format *astiav.FormatContext

	obj       storage.Object // nil when libav opened a local path
	readErr   error          // first storage error met by the AVIO callbacks
	maxPixels int64          // the pixel budget (budget.go); 0: none
	c         *astikit.Closer
}

// OpenInput opens bucket/key from store and probes its streams. A missing
// object returns the backend's error; an object libav cannot read as media
// returns InvalidMedia naming it; a storage read failure is transient.
// Cancelling ctx interrupts blocking libav I/O. maxPixels is the pixel
// budget (budget.go) of the probe and of every decoder of the input; 0
// or less means none.
func OpenInput(ctx context.Context, store storage.Backend, bucket, key string, maxPixels int64) (in *Input, err error) {
	in = &Input{Name: bucket + "/" + key, maxPixels: maxPixels, c: astikit.NewCloser()}
	defer func() {
		if err != nil {
			in.Close()
			in = nil
		}
	}()

	url := ""
	if lp, ok := store.(storage.LocalPather); ok {
		if url, err = lp.LocalPath(ctx, bucket, key); err != nil {
			return in, err
		}
	} else if in.obj, err = store.GetObject(ctx, bucket, key); err != nil {
		return in, err
	} else {
		in.c.AddWithError(in.obj.Close)
	}

	if in.Format = astiav.AllocFormatContext(); in.Format == nil {
		return in, errors.New("libav: allocating format context failed")
	}
	in.c.Add(in.Format.Free)

	intr := in.Format.SetInterruptCallback()
	stop := context.AfterFunc(ctx, intr.Interrupt)
	in.c.Add(func() { stop() })

	if in.obj != nil {
		pb, err := astiav.AllocIOContext(ioBufferSize, false, in.read, in.seek, nil)
		if err != nil {
			return in, fmt.Errorf("libav: allocating io context: %w", err)
		}
		in.c.Add(pb.Free)
		in.Format.SetPb(pb)
	}

	if err := in.Format.OpenInput(url, nil, nil); err != nil {
		return in, in.MediaError(ctx, err, "cannot be opened as media")
	}
	in.c.Add(in.Format.CloseInput)
	if err := in.checkDeclared(); err != nil {
		return in, err
	}
	if err := in.findStreamInfo(); err != nil {
		return in, in.MediaError(ctx, err, "has no readable stream information")
	}
	return in, nil
}

// read is the AVIO read callback. go-astiav drops the byte count when an
// error is returned, so data is always returned first and EOF on the next call.
func (in *Input) read(b []byte) (int, error) {
	n, err := in.obj.Read(b)
	if n > 0 {
		return n, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return 0, astiav.ErrEof
	}
	if in.readErr == nil {
		in.readErr = err
	}
	return 0, astiav.ErrEio
}

// seek is the AVIO seek callback; AVSEEK_SIZE asks for the object size.
func (in *Input) seek(offset int64, whence int) (int64, error) {
	if whence&C.AVSEEK_SIZE != 0 {
		return in.obj.Info().Size, nil
	}
	n, err := in.obj.Seek(offset, whence&^C.AVSEEK_FORCE)
	if err != nil {
		if in.readErr == nil {
			in.readErr = err
		}
		return 0, astiav.ErrEio
	}
	return n, nil
}

// MediaError classifies a libav failure on this input (what completes
// "object <name> …"): cancellation and storage errors win over "this is
// not media", which is permanent InvalidMedia.
func (in *Input) MediaError(ctx context.Context, err error, what string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if in.readErr != nil {
		return osserr.Transient(fmt.Errorf("reading %s: %w", in.Name, in.readErr))
	}
	return osserr.Wrap(osserr.InvalidMedia, err, "object %s %s: %v", in.Name, what, err)
}

// ReadError converts an error from ReadFrame into what the task should fail
// with: nil for the end of the stream, a transient storage error, or
// InvalidMedia for a corrupt file.
func (in *Input) ReadError(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, astiav.ErrEof) {
		if in.readErr != nil {
			return in.MediaError(ctx, err, "could not be read")
		}
		return nil
	}
	return in.MediaError(ctx, err, "is corrupt")
}

// Close frees everything OpenInput and OpenDecoder allocated, in reverse
// order. It may be called more than once.
func (in *Input) Close() {
	_ = in.c.Close()
}
