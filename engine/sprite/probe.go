package sprite

import (
	"context"
	"image"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// sourceSize is the upright display size of the video: coded size,
// stretched by a non-square sample aspect ratio, turned by the rotation.
func sourceSize(in *libav.Input, v *astiav.Stream) (image.Point, error) {
	par := v.CodecParameters()
	w, h := par.Width(), par.Height()
	if w <= 0 || h <= 0 {
		return image.Point{}, osserr.New(osserr.InvalidMedia, "object %s: the video stream has no frame size", in.Name)
	}
	// The container's aspect ratio wins over the bitstream's, as players
	// (and av_guess_sample_aspect_ratio) decide: an H.263 stream says 12:11
	// but a 3GP shows it square.
	sar := v.SampleAspectRatio()
	if sar.Num() <= 0 || sar.Den() <= 0 {
		sar = par.SampleAspectRatio()
	}
	if sar.Num() > 0 && sar.Den() > 0 && sar.Num() != sar.Den() {
		w = scaleSide(w, sar.Num(), sar.Den())
	}
	if r := libav.Rotation(v); r == 90 || r == 270 {
		w, h = h, w
	}
	return image.Point{X: w, Y: h}, nil
}

// videoEnd is when the video stream ends, counted like frame times: the
// stream's own duration when the container records one (an audio track may
// run longer), else the container's duration, else 0 (unknown).
func videoEnd(in *libav.Input, v *astiav.Stream, c *capture) time.Duration {
	if d, st := v.Duration(), v.StartTime(); d > 0 && st != libav.NoPTS {
		return c.time(st + d)
	}
	return in.Duration(v)
}

// frameDuration is the nominal frame interval (25 fps when unknown).
func frameDuration(v *astiav.Stream) time.Duration {
	if r := v.AvgFrameRate(); r.Num() > 0 && r.Den() > 0 {
		return time.Duration(int64(time.Second) * int64(r.Den()) / int64(r.Num()))
	}
	return time.Second / 25
}

// scanDuration finds the video's length when the container does not say,
// by reading (not decoding) every packet, then rewinds.
func scanDuration(ctx context.Context, c *capture, idx int) (time.Duration, error) {
	end, err := scanPackets(ctx, c, idx, nil)
	if err != nil {
		return 0, err
	}
	return end, rewind(ctx, c.in, idx, c.origin)
}

// frameStamp is what one video packet says of its frame.
type frameStamp struct {
	t       time.Duration // presentation time (see scanPackets)
	key     bool          // a keyframe
	dtsOnly bool          // t is the packet's decoding timestamp: it has no presentation timestamp
}

// scanPackets reads (not decodes) the input to its end and returns where
// video stream idx ends. each, when not nil, gets every packet's stamp in
// decoding order: sorted, these are the times of the frames the decoder
// returns, unless a packet is dtsOnly. Raw streams (an .h264 file) may
// have no timestamps at all, only packet durations: then the packets add
// up.
func scanPackets(ctx context.Context, c *capture, idx int, each func(frameStamp)) (time.Duration, error) {
	pkt := c.pkt
	var end, next time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := c.in.Format.ReadFrame(pkt); err != nil {
			return end, c.in.ReadError(ctx, err)
		}
		if pkt.StreamIndex() == idx {
			d := c.frameDt
			if pkt.Duration() > 0 {
				d = c.time(c.origin + pkt.Duration())
			}
			ts, dtsOnly := pkt.Pts(), false
			if ts == libav.NoPTS {
				ts = pkt.Dts()
				dtsOnly = ts != libav.NoPTS
			}
			t := next
			if ts != libav.NoPTS {
				t = c.time(ts)
			}
			next = t + d
			end = max(end, next)
			if each != nil {
				each(frameStamp{t: t, key: pkt.Flags().Has(astiav.PacketFlagKey), dtsOnly: dtsOnly})
			}
		}
		pkt.Unref()
	}
}

// rewind goes back to the start of the input. Raw streams (an .h264
// elementary stream) cannot seek by timestamp but can by byte.
func rewind(ctx context.Context, in *libav.Input, idx int, origin int64) error {
	err := in.Format.SeekFrame(idx, origin, astiav.NewSeekFlags(astiav.SeekFlagBackward))
	if err != nil {
		err = in.Format.SeekFrame(-1, 0, astiav.NewSeekFlags(astiav.SeekFlagByte))
	}
	if err != nil {
		return in.MediaError(ctx, err, "cannot be rewound")
	}
	return nil
}
