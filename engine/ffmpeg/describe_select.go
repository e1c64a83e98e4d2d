package ffmpeg

import (
	"context"
	"slices"
	"time"

	"github.com/asticode/go-astiav"

	"github.com/ossemu/ossemu/parser"
)

// frameStamp is one video packet's presentation time and keyframe flag.
type frameStamp struct {
	t   time.Duration
	key bool
}

// packetSelection reads every packet of stream idx (demuxing only) and runs
// the sprite selector over their presentation times, which are the decoded
// frames' times: it returns the times of the frames a capture keeps. A
// video whose length is unknown (dur 0) is measured on the way, as avg mode
// needs it.
func packetSelection(ctx context.Context, c *capture, idx int, p *parser.Sprite, dur time.Duration) ([]time.Duration, error) {
	pkt := astiav.AllocPacket()
	defer pkt.Free()
	var stamps []frameStamp
	var next time.Duration
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := c.in.Format.ReadFrame(pkt); err != nil {
			if err := c.in.ReadError(ctx, err); err != nil {
				return nil, err
			}
			break
		}
		if pkt.StreamIndex() == idx {
			t := next // raw streams without timestamps: frames follow each other
			if ts := pkt.Pts(); ts != NoPTS {
				t = c.time(ts)
			}
			d := c.frameDt
			if pkt.Duration() > 0 {
				d = c.time(c.origin + pkt.Duration())
			}
			next = max(next, t+d)
			stamps = append(stamps, frameStamp{t: t, key: pkt.Flags().Has(astiav.PacketFlagKey)})
		}
		pkt.Unref()
	}
	if dur <= 0 {
		dur = next
	}
	slices.SortStableFunc(stamps, func(a, b frameStamp) int { return int(a.t - b.t) })
	sel := newSelector(p, dur)
	var times []time.Duration
	for _, s := range stamps {
		if sel.done() {
			break
		}
		if sel.candidate(s.t, s.key) && sel.keep(0) {
			times = append(times, s.t)
		}
	}
	return times, nil
}
