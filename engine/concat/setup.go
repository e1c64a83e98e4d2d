package concat

import (
	"github.com/asticode/go-astiav"
	"github.com/asticode/go-astikit"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/parser"
)

// newOutput creates the muxer at path (a file, or a segment pattern),
// opens the encoders the plan needs and writes the header.
func newOutput(p *plan, path string, preset string, threads threads) (_ *output, err error) {
	o := &output{plan: p, c: astikit.NewCloser()}
	defer func() {
		if err != nil {
			o.close()
		}
	}()
	muxName := p.format.MuxerName()
	if amr3GPP(p) {
		muxName = "3gp" // FFmpeg's mp4 mode has no AMR tag; 3GPP MP4 has
	}
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
		opts := segmentOptions(seg, path)
		if amr3GPP(p) {
			opts["segment_format"] = "3gp"
			opts["segment_format_options"] += ":brand=mp42"
		}
		return opts
	}
	switch {
	case amr3GPP(p):
		return map[string]string{"movflags": "+faststart", "brand": "mp42"}
	case p.format == parser.MP4 || p.format == parser.MOV:
		return map[string]string{"movflags": "+faststart"}
	}
	return nil
}

// amr3GPP reports an MP4 output with AMR audio: it is written by the mov
// muxer in 3GP mode (an ISO file with samr/sawb sample entries, as 3GPP
// TS 26.244 stores AMR), branded mp42 like FFmpeg's MP4 files.
func amr3GPP(p *plan) bool {
	return p.format == parser.MP4 && p.audio != nil && p.audio.opts.Codec == parser.AudioAMR
}

// close frees everything newOutput allocated; it may be called more
// than once.
func (o *output) close() { _ = o.c.Close() }
