package sprite

import (
	"bufio"
	"fmt"
	"image"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/ossemu/ossemu/engine"
	"github.com/ossemu/ossemu/osserr"
	"github.com/ossemu/ossemu/parser"
)

// A WebVTT thumbnail track is what scrubbing previews in web players
// (video.js, Plyr, JW Player, hls.js-based ones) read next to sprite
// sheets: one cue per cell, whose text is the sheet's URL with a media
// fragment selecting the cell (sheet.jpg#xywh=x,y,w,h). Cues run back to
// back: the first from ss, each until the next cell's frame, the last
// until the end of the video, so every instant shows the latest frame
// captured at or before it.

// vttName is the track's file in the work directory.
const vttName = "sprite.vtt"

// vttCue is one cue: the time range and the cell it shows.
type vttCue struct {
	start, end time.Duration
	at         time.Duration // the cell's frame time, rounded
	sheet      string        // the sheet's URL relative to the track
	cell       engine.Cell
}

// writeVTT writes the track of the sheets in outs into dir and returns its
// output, named after the saveas template like a segment playlist
// ("x-{index}.jpg" → "x.vtt") in the sheets' bucket. Cells of a sheet that
// a later sheet replaced (same name) are left out. start is ss, end the
// end of the video.
func writeVTT(names sheetNames, dir string, outs []engine.Output, start, end time.Duration) (engine.Output, error) {
	size := outs[0].Sheet
	out := engine.Output{
		Bucket:      outs[0].Bucket,
		Key:         vttKey(names, outs, size.Width, size.Height),
		Path:        filepath.Join(dir, vttName),
		ContentType: "text/vtt",
	}
	cues := vttCues(out.Key, outs, start, end)
	f, err := os.Create(out.Path)
	if err != nil {
		return out, osserr.Transient(fmt.Errorf("video/sprite: creating the WebVTT track: %w", err))
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "WEBVTT\n")
	for _, c := range cues {
		fmt.Fprintf(w, "\n%s --> %s\n%s#xywh=%d,%d,%d,%d\n", vttTime(c.start), vttTime(c.end),
			c.sheet, c.cell.X, c.cell.Y, c.cell.W, c.cell.H)
	}
	if err = w.Flush(); err == nil {
		err = f.Close()
	}
	if err != nil {
		return out, osserr.Transient(fmt.Errorf("video/sprite: writing the WebVTT track: %w", err))
	}
	return out, nil
}

// vttKey is the track's name: the companion of the sheets' template, made
// distinct from every sheet's name should the template already end in .vtt.
func vttKey(names sheetNames, outs []engine.Output, w, h int) string {
	v := names.vars(1, image.Pt(w, h))
	v.AutoExt = "vtt"
	key := parser.CompanionKey(names.saveas.Object, v, "vtt", "sprite")
	for _, o := range outs {
		if o.Key == key {
			return key + ".vtt"
		}
	}
	return key
}

// vttCues lays the kept cells on the timeline. Times are rounded to the
// millisecond WebVTT writes; a cell whose frame falls in the same
// millisecond as the next one's is shown by the next. The first cue starts
// at ss unless the cells before it were left out.
func vttCues(trackKey string, outs []engine.Output, start, end time.Duration) []vttCue {
	keep := engine.Survivors(outs)
	var cues []vttCue
	fromStart := true
	for i, o := range outs {
		if o.Sheet == nil {
			continue
		}
		if !keep[i] {
			fromStart = fromStart && len(cues) > 0
			continue
		}
		ref := (&url.URL{Path: engine.RelativeKey(trackKey, o.Key)}).String()
		for _, c := range o.Sheet.Cells {
			t := c.Time.Round(time.Millisecond)
			if n := len(cues); n > 0 && cues[n-1].start >= t {
				cues = cues[:n-1]
			}
			if len(cues) == 0 && fromStart {
				t = min(t, start.Round(time.Millisecond))
			}
			cues = append(cues, vttCue{start: t, at: c.Time.Round(time.Millisecond), sheet: ref, cell: c})
		}
	}
	for i := range cues {
		if i+1 < len(cues) {
			cues[i].end = cues[i+1].start
		} else {
			cues[i].end = max(end.Round(time.Millisecond), cues[i].at+time.Millisecond)
		}
	}
	return cues
}

// vttTime formats a WebVTT timestamp, hh:mm:ss.ttt.
func vttTime(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}
