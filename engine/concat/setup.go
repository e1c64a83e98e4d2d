package concat

import (
	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

// newOutput creates the muxer at path (a file, or a segment pattern),
// opens the encoders the plan needs and writes the header.
func newOutput(p *plan, path string, preset string, threads int) (_ *output, err error) {
	o := &output{plan: p, c: astikit.NewCloser()}
	defer func() {
		if err != nil {
			o.close()
		}
	}()
	muxName := p.format.MuxerName()
	if p.spec.Segment != nil {
		muxName = "segment"
	}
	if o.mux, err = libav.NewMuxer(muxName, path); err != nil {
		return nil, err
	}
	o.c.Add(o.mux.Close)

	if vp := p.video; vp != nil {
		if o.venc, err = openVideoEncoder(vp, p.format, preset, threads, o.mux, o.c); err != nil {
			return nil, err
		}
		o.rate = vp.shape.Rate
		if o.black, err = libav.BlackFrame(vp.shape.Width, vp.shape.Height, vp.shape.PixFmt, o.c); err != nil {
			return nil, err
		}
	}
	o.last = astiav.AllocFrame()
	o.c.Add(o.last.Free)
	if ap := p.audio; ap != nil {
		var shape libav.AudioShape
		if o.aenc, shape, err = openAudioEncoder(ap, o.mux, o.c); err != nil {
			return nil, err
		}
		o.srate = shape.SampleRate
		frameSize := o.aenc.FrameSize()
		if frameSize <= 0 {
			frameSize = 1024 // PCM and other codecs without a fixed frame size
		}
		if o.fifo, err = libav.NewAudioFIFO(shape, frameSize, o.c); err != nil {
			return nil, err
		}
		p.audio.shape, p.audio.frameSize = shape, frameSize
	}
	if seg := p.spec.Segment; seg != nil && seg.Duration > 0 {
		o.segment = seg.Duration.Seconds()
	}
	if err = o.mux.Start(muxerOptions(p, path)); err != nil {
		return nil, err
	}
	return o, nil
}

// muxerOptions: MP4 and MOV get their index in front (faststart) so players
// can start before the download ends; segments get the segment muxer's
// options.
func muxerOptions(p *plan, path string) map[string]string {
	if seg := p.spec.Segment; seg != nil {
		return segmentOptions(seg, path)
	}
	switch p.format {
	case parser.MP4, parser.MOV:
		return map[string]string{"movflags": "+faststart"}
	}
	return nil
}

// close frees everything newOutput allocated; it may be called more
// than once.
func (o *output) close() { _ = o.c.Close() }
