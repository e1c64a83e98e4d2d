package sprite

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/parser"
)

// Planned is the geometry of a video/sprite request's sheets and the time
// of each cell. Sizes are [width, height].
type Planned struct {
	Source   [2]int        // upright display size of the video
	Cell     [2]int        // cell box
	Scaled   [2]int        // picture inside the cell
	Offset   [2]int        // picture's offset inside the cell
	Sheet    [2]int        // full sheet size
	Duration time.Duration // video length as the run measures it; 0 when unknown
	// Times are the capture times of the cells in order (sheet after sheet,
	// row-major), chosen from the packets' timestamps by the capture's own
	// selector; nil when they cannot be known without decoding, and
	// Unplanned says why.
	Times     []time.Duration
	Unplanned string
}

// Why Times can be nil.
const (
	unplannedDHash = "dhash mode chooses frames by their pictures"
	unplannedDTS   = "the video's packets carry decoding timestamps only, so its frames' times are the decoder's guesses"
)

// Plan lays out the sheets of spec for t's object with Run's own first
// steps (open, layout, measure: the same checks and errors), then reads
// (not decodes) the video's packets to find which frames become cells.
// Only t's Storage, Bucket and Object are used: nothing is written and
// no progress reported.
func (e *Engine) Plan(ctx context.Context, spec *parser.Sprite, t engine.Task) (*Planned, error) {
	r := e.newRun(spec, parser.SaveAs{}, t, false)
	defer r.c.Close()
	if err := r.do(ctx, r.open, r.layout, r.measure); err != nil {
		return nil, err
	}
	g := r.geom
	out := &Planned{
		Source: [2]int{r.src.X, r.src.Y}, Cell: [2]int{g.Cell.X, g.Cell.Y}, Scaled: [2]int{g.Scaled.X, g.Scaled.Y},
		Offset: [2]int{g.Offset.X, g.Offset.Y}, Sheet: [2]int{r.sheet.X, r.sheet.Y}, Duration: r.dur,
	}
	if spec.Mode == parser.ModeDHash {
		out.Unplanned = unplannedDHash
		return out, nil
	}
	var err error
	out.Times, out.Unplanned, err = r.planTimes(ctx)
	return out, err
}

// planTimes offers every video packet's time, in presentation order (the
// order the decoder returns frames), to a fresh selector and returns the
// times it keeps: the frames a capture selects. The selector needs no
// picture outside dhash mode. Packets with decoding timestamps only (an
// AVI with B-frames) leave the frames' times to the decoder's guesses,
// which the packets do not tell: then no times, and why.
func (r *spriteRun) planTimes(ctx context.Context) ([]time.Duration, string, error) {
	var stamps []frameStamp
	dtsOnly := false
	if _, err := scanPackets(ctx, r.cap, r.v.Index(), func(s frameStamp) {
		stamps = append(stamps, s)
		dtsOnly = dtsOnly || s.dtsOnly
	}); err != nil {
		return nil, "", err
	}
	if dtsOnly {
		return nil, unplannedDTS, nil
	}
	slices.SortStableFunc(stamps, func(a, b frameStamp) int { return cmp.Compare(a.t, b.t) })
	sel := newSelector(r.spec, r.dur)
	var times []time.Duration
	for _, s := range stamps {
		if sel.done() {
			break
		}
		if ok, _ := sel.offer(s.t, s.key, nil); ok {
			times = append(times, s.t)
		}
	}
	return times, "", nil
}
