package libav

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/osserr"
)

// Muxer writes the encoded streams into one output (a file, or a series of
// segment files when the format is libavformat's "segment" muxer).
type Muxer struct {
	fc   *astiav.FormatContext
	path string
	c    *astikit.Closer
}

// NewMuxer allocates the output context for format (a libavformat muxer
// name) writing to path.
func NewMuxer(format, path string) (*Muxer, error) {
	fc, err := astiav.AllocOutputFormatContext(nil, format, path)
	if err != nil {
		return nil, fmt.Errorf("libav: allocating %s muxer: %w", format, err)
	}
	if fc == nil {
		return nil, fmt.Errorf("libav: muxer %s is not available", format)
	}
	m := &Muxer{fc: fc, path: path, c: astikit.NewCloser()}
	m.c.Add(fc.Free)
	// Vorbis, FLAC and Opus in MP4 are still flagged experimental in FFmpeg
	// 5.1 although players handle them; the parser decides what is allowed.
	fc.SetStrictStdCompliance(astiav.StrictStdComplianceExperimental)
	return m, nil
}

// addStream creates the output stream for an opened encoder.
func (m *Muxer) addStream(cc *astiav.CodecContext, tag astiav.CodecTag) (*astiav.Stream, error) {
	st := m.fc.NewStream(nil)
	if st == nil {
		return nil, errors.New("libav: creating output stream failed")
	}
	if err := st.CodecParameters().FromCodecContext(cc); err != nil {
		return nil, fmt.Errorf("libav: copying encoder parameters: %w", err)
	}
	st.CodecParameters().SetCodecTag(tag)
	st.SetTimeBase(cc.TimeBase())
	if cc.MediaType() == astiav.MediaTypeVideo {
		st.SetAvgFrameRate(cc.Framerate())
		st.SetRFrameRate(cc.Framerate())
		st.SetSampleAspectRatio(cc.SampleAspectRatio())
	}
	return st, nil
}

// Start opens the file (unless the muxer does its own I/O) and writes the
// header with the muxer options. A header the muxer refuses (a codec or
// frame rate the container cannot hold) is the caller's parameter problem:
// InvalidArgument, permanent.
func (m *Muxer) Start(opts map[string]string) error {
	if !m.fc.OutputFormat().Flags().Has(astiav.IOFormatFlagNofile) {
		pb, err := astiav.OpenIOContext(m.path, astiav.NewIOContextFlags(astiav.IOContextFlagWrite))
		if err != nil {
			return fmt.Errorf("libav: creating %s: %w", m.path, err)
		}
		m.c.AddWithError(pb.Close)
		m.fc.SetPb(pb)
	}
	d, err := dictionary(opts)
	if err != nil {
		return fmt.Errorf("libav: muxer %w", err)
	}
	defer d.Free()
	if err := m.fc.WriteHeader(d); err != nil {
		return osserr.Wrap(osserr.InvalidArgument, err,
			"the %s container cannot hold the requested streams: %v", m.fc.OutputFormat().Name(), err)
	}
	return nil
}

// write rescales pkt from the encoder time base and hands it to the
// interleaver, which orders packets of all streams by time.
func (m *Muxer) write(pkt *astiav.Packet, st *astiav.Stream, tb astiav.Rational) error {
	pkt.SetStreamIndex(st.Index())
	pkt.RescaleTs(tb, st.TimeBase())
	if err := m.fc.WriteInterleavedFrame(pkt); err != nil {
		return ioError(fmt.Errorf("libav: writing packet: %w", err))
	}
	return nil
}

// ioError marks a failed write of the work file (a full or failing disk)
// as transient: the task may succeed when run again. Other muxer errors
// would recur and stay permanent.
func ioError(err error) error {
	var e astiav.Error
	if errors.As(err, &e) && (errors.Is(err, astiav.ErrEio) || int(e) == -int(syscall.ENOSPC)) {
		return osserr.Transient(err)
	}
	return err
}

// Finish writes the trailer (for MP4 with faststart this rewrites the file
// with the index first).
func (m *Muxer) Finish() error {
	if err := m.fc.WriteTrailer(); err != nil {
		return ioError(fmt.Errorf("libav: writing trailer: %w", err))
	}
	return nil
}

// Close releases the context and closes the file. It may be called more
// than once.
func (m *Muxer) Close() {
	if m != nil {
		_ = m.c.Close()
	}
}
