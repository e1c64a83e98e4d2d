package sprite

import (
	"context"
	"errors"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// maxSeekRetries bounds how often a seek that landed after its target is
// retried further back before capture falls back to decoding straight
// through from the start.
const maxSeekRetries = 3

// maxDamaged is how many corrupt packets or frames a capture skips before
// it gives up on the file as undecodable.
const maxDamaged = 1000

// capture demuxes and decodes the video stream and hands every selected
// frame to a callback. It decodes straight through, except that when the
// next wanted time lies more than one keyframe interval (the largest seen
// so far) past what has been read, it seeks to the keyframe before that
// time and decodes forward from there. Frames before a wanted time are
// never selected, and decoding from a keyframe reproduces the frames after
// it, so both ways select the same frames.
type capture struct {
	in      *libav.Input
	dec     *libav.Decoder
	sel     *selector
	thumbs  *libav.Thumbnailer
	keyOnly bool // key mode: only keyframe packets reach the decoder
	seek    bool // seeking allowed (turned off when the demuxer cannot)
	origin  int64
	tb      astiav.Rational
	frameDt time.Duration // nominal frame duration, for frames without timestamps
	onTime  func(time.Duration)

	pkt       *astiav.Packet
	frame     *astiav.Frame
	pending   bool          // pkt holds the keyframe found after a seek
	keyGap    time.Duration // largest spacing between keyframes read in a row
	prevKey   time.Duration
	havePrev  bool
	readTo    time.Duration // latest packet time read since the last seek
	seekedFor time.Duration // the wanted time of the last seek (-1: none)
	lastT     time.Duration
	damaged   int           // corrupt packets and frames skipped so far
	eof       bool          // the input was read to its end
	dataEnd   time.Duration // latest packet end of any stream (container clock)
	tbs       []astiav.Rational
	Seeks     int             // seeks performed (reported to tests and logs)
	Times     []time.Duration // times of the selected frames, in order
}

// onFrameFunc receives a selected frame; it must not keep f.
type onFrameFunc func(f *astiav.Frame, t time.Duration) error

// time converts a stream timestamp to a time since the container start.
func (c *capture) time(ts int64) time.Duration {
	return time.Duration(astiav.RescaleQ(ts-c.origin, c.tb, astiav.NewRational(1, int(time.Second))))
}

// ticks converts a time since the container start to a stream timestamp.
func (c *capture) ticks(t time.Duration) int64 {
	return c.origin + astiav.RescaleQ(int64(t), astiav.NewRational(1, int(time.Second)), c.tb)
}

// run decodes and selects frames until the selector is done or the input
// ends, handing each selected frame to onFrame.
func (c *capture) run(ctx context.Context, onFrame onFrameFunc) error {
	c.seekedFor, c.lastT = -1, -c.frameDt // a first frame without a timestamp is at 0
	if w := c.sel.next(); c.seek && w > 0 {
		if err := c.seekTo(ctx, w); err != nil {
			return err
		}
	}
	for !c.sel.done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !c.pending {
			if err := c.in.Format.ReadFrame(c.pkt); err != nil {
				if err := c.in.ReadError(ctx, err); err != nil {
					return err
				}
				c.eof = true
				break
			}
		}
		c.pending = false
		if err := c.packet(onFrame); err != nil {
			return err
		}
		if w := c.sel.next(); c.seek && !c.keyOnly && c.keyGap > 0 && w != c.seekedFor && w-c.readTo > c.keyGap {
			if err := c.seekTo(ctx, w); err != nil {
				return err
			}
		}
	}
	if c.sel.done() {
		return nil
	}
	if err := c.dec.SendPacket(nil); err != nil && !errors.Is(err, astiav.ErrEof) {
		return c.decodeError(err)
	}
	return c.receive(onFrame)
}

// packet feeds the packet in c.pkt to the decoder and handles the frames
// that come out; the packet is unreferenced on return.
func (c *capture) packet(onFrame onFrameFunc) error {
	defer c.pkt.Unref()
	c.noteEnd()
	if c.pkt.StreamIndex() != c.dec.Stream.Index() {
		return nil
	}
	key := c.pkt.Flags().Has(astiav.PacketFlagKey)
	if ts := c.pkt.Pts(); ts != libav.NoPTS {
		t := c.time(ts)
		c.readTo = max(c.readTo, t)
		if key {
			if c.havePrev && t > c.prevKey {
				c.keyGap = max(c.keyGap, t-c.prevKey)
			}
			c.prevKey, c.havePrev = t, true
		}
	}
	if c.keyOnly && !key {
		return nil
	}
	if err := c.dec.SendPacket(c.pkt); err != nil {
		if errors.Is(err, astiav.ErrInvaliddata) && c.damaged < maxDamaged {
			c.damaged++ // a corrupt packet: skip it as the ffmpeg CLI does
			return nil
		}
		return c.decodeError(err)
	}
	return c.receive(onFrame)
}

// receive drains decoded frames into the selector.
func (c *capture) receive(onFrame onFrameFunc) error {
	for {
		err := c.dec.ReceiveFrame(c.frame)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if errors.Is(err, astiav.ErrInvaliddata) && c.damaged < maxDamaged {
			c.damaged++ // a damaged frame: skip it as the ffmpeg CLI does
			continue
		}
		if err != nil {
			return c.decodeError(err)
		}
		if err := c.selectFrame(onFrame); err != nil {
			return err
		}
	}
}

// selectFrame offers the frame in c.frame to the selector.
func (c *capture) selectFrame(onFrame onFrameFunc) error {
	defer c.frame.Unref()
	var t time.Duration
	if ts := libav.BestEffortTimestamp(c.frame); ts != libav.NoPTS {
		t = c.time(ts)
	} else {
		t = c.lastT + c.frameDt
	}
	c.lastT = t
	c.onTime(t)
	ok, err := c.sel.offer(t, c.keyOnly || c.frame.KeyFrame(), func() (uint64, error) { return c.thumbs.Hash(c.frame) })
	if !ok || err != nil {
		return err
	}
	c.Times = append(c.Times, t)
	return onFrame(c.frame, t)
}

// seekTo moves the demuxer to the last keyframe at or before w, flushes
// the decoder and leaves that keyframe's packet pending. A demuxer that
// lands after w (imprecise seeking without an index) is asked again
// further back; if that keeps failing, capture restarts from the beginning
// and decodes straight through.
func (c *capture) seekTo(ctx context.Context, w time.Duration) error {
	c.seekedFor = w
	back := max(c.keyGap, time.Second)
	target := w
	for try := 0; ; try++ {
		if try > maxSeekRetries || target <= 0 {
			c.seek, target = false, 0
		}
		if err := c.in.Format.SeekFrame(c.dec.Stream.Index(), c.ticks(target), astiav.NewSeekFlags(astiav.SeekFlagBackward)); err != nil {
			if try == 0 {
				return c.restart(ctx) // cannot seek: decode straight through
			}
			return c.in.MediaError(ctx, err, "cannot be seeked")
		}
		c.Seeks++
		c.dec.Flush()
		c.havePrev, c.readTo = false, -1
		landed, ok, err := c.firstKey(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return c.restart(ctx)
		}
		if landed <= w || !c.seek {
			c.pending = true
			return nil
		}
		c.pkt.Unref()
		target -= back
		back *= 2
	}
}

// restart handles a demuxer that cannot seek by time, or that found no
// keyframe before the end of the input (it overshot): capture starts again
// from the beginning and decodes straight through (frames before the next
// wanted time are not selected again). If it already had, the input simply
// has no further keyframe; if even rewinding fails, decoding goes on from
// wherever the demuxer is.
func (c *capture) restart(ctx context.Context) error {
	if !c.seek {
		return nil
	}
	c.seek = false
	if rewind(ctx, c.in, c.dec.Stream.Index(), c.origin) != nil {
		return ctx.Err()
	}
	c.dec.Flush()
	c.havePrev, c.readTo, c.lastT = false, -1, -c.frameDt
	return nil
}

// firstKey reads up to the first keyframe packet of the video stream (the
// packets before it cannot be decoded) and returns its time; ok is false at
// the end of the input.
func (c *capture) firstKey(ctx context.Context) (time.Duration, bool, error) {
	for {
		if err := c.in.Format.ReadFrame(c.pkt); err != nil {
			return 0, false, c.in.ReadError(ctx, err)
		}
		if c.pkt.StreamIndex() == c.dec.Stream.Index() && c.pkt.Flags().Has(astiav.PacketFlagKey) {
			ts := c.pkt.Pts()
			if ts == libav.NoPTS {
				ts = c.pkt.Dts()
			}
			if ts == libav.NoPTS {
				return 0, true, nil
			}
			return c.time(ts), true, nil
		}
		c.pkt.Unref()
	}
}

// decodeError makes a decoding failure InvalidMedia naming the object; the
// decoder's own refusals (the pixel budget) already are.
func (c *capture) decodeError(err error) error {
	if _, ok := osserr.As(err); ok {
		return err
	}
	return osserr.Wrap(osserr.InvalidMedia, err, "object %s: decoding the video failed: %v", c.in.Name, err)
}
