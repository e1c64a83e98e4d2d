package sprite

import (
	"time"

	"github.com/ossemu/ossemu/engine/libav"
	"github.com/ossemu/ossemu/osserr"
)

// noteEnd records how far the data of any stream reaches, so a file cut
// short of its declared duration is told apart from a complete one.
func (c *capture) noteEnd() {
	if c.tbs == nil {
		for _, st := range c.in.Format.Streams() {
			c.tbs = append(c.tbs, st.TimeBase())
		}
	}
	i, ts := c.pkt.StreamIndex(), c.pkt.Pts()
	if ts == libav.NoPTS || i < 0 || i >= len(c.tbs) || c.tbs[i].Den() == 0 {
		return
	}
	end := libav.Timestamp(ts+max(c.pkt.Duration(), 0), c.tbs[i]) - libav.Timestamp(c.origin, c.tb)
	c.dataEnd = max(c.dataEnd, end)
}

// truncated fails a capture that read to the end of an input whose data
// stops well short (more than max(1 s, 10 %)) of the duration its container
// declares: an upload cut off midway. Durations libav only guessed from the
// bitrate are not trusted.
func (c *capture) truncated() error {
	d := c.in.Duration(nil)
	if !c.eof || d <= 0 || c.in.DurationGuessed() || d-c.dataEnd <= max(time.Second, d/10) {
		return nil
	}
	return osserr.New(osserr.InvalidMedia, "object %s is truncated or corrupt: it declares %.2f s but only %.2f s could be read",
		c.in.Name, d.Seconds(), c.dataEnd.Seconds())
}
